/**
 * Production build (issue 8, distributed profile): compiles every non-test TypeScript file under
 * `apps/` and `libs/` with @swc/core into `dist/` (same tree, `.ts` -> `.js` + source map), with
 * the decorator metadata NestJS needs and the `@ordersource/*` path aliases rewritten to relative
 * requires, so `node dist/apps/<service>/src/main.js` runs on production dependencies only.
 *
 * After compiling it walks the require graph from every service entry point and fails when a
 * reachable file requires something the runtime image will not have: a relative file that was
 * not built (e.g. test support), an alias left unrewritten, or a package that is not in
 * package.json `dependencies` (a devDependency such as @swc-node/register).
 *
 *   node -r @swc-node/register tools/build/build.ts [--out <dir>]     (default: dist)
 */
import { transformFile, type Options } from '@swc/core';
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface BuildOptions {
  /** Repository root (holds tsconfig.base.json, package.json, apps/, libs/). */
  root: string;
  /** Output directory; emptied first. */
  outDir: string;
  log?: (line: string) => void;
}

export interface BuildResult {
  outDir: string;
  files: number;
  /** Compiled service entry points, relative to outDir. */
  entryPoints: string[];
  /** Production packages the entry points require (bare specifiers, top-level names). */
  packages: string[];
  /** Required packages that production installs only as another package's dependency. */
  transitive: string[];
}

const SOURCE_DIRS = ['apps', 'libs'];

/**
 * Test files, test support and benchmarks never ship: `*.spec.ts`, `*.int-spec.ts`,
 * `*.e2e-spec.ts`, contract suites (`*.contract.ts`), `libs/testing/**`, a library's own
 * `testing/` helpers (e.g. libs/messaging/src/testing) and `bench/`. The require-graph check
 * fails the build if a service needed any of them.
 */
export function isShippedSource(relPath: string): boolean {
  const path = relPath.split(sep).join('/');
  if (!path.endsWith('.ts') || path.endsWith('.d.ts')) return false;
  if (/\.(spec|int-spec|e2e-spec|contract)\.ts$/.test(path)) return false;
  if (path.startsWith('libs/testing/') || /^(apps|libs)\/.+\/testing\//.test(path)) return false;
  if (/(^|\/)bench\//.test(path)) return false;
  // The console's page is bundled for the browser by esbuild (apps/console/build), not run by node.
  if (/^apps\/console\/(web|build)\//.test(path)) return false;
  if (/(^|\/)node_modules\//.test(path)) return false;
  return true;
}

export function swcOptions(root: string, filename: string): Options {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return {
    filename,
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      // swc resolves the aliases against baseUrl (must be absolute) and writes relative requires.
      baseUrl: root,
      paths: compilerOptions.paths,
    },
  };
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const root = resolve(options.root);
  const outDir = resolve(options.outDir);
  const log = options.log ?? (() => undefined);
  if (outDir === root || root.startsWith(outDir + sep)) throw new Error(`refusing to empty ${outDir}: it holds the sources`);
  rmSync(outDir, { recursive: true, force: true });

  const sources = SOURCE_DIRS.flatMap((dir) => listFiles(root, dir)).filter(isShippedSource).sort();
  // Bounded parallelism: swc runs each file on its thread pool.
  const queue = [...sources];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
        const input = join(root, rel);
        const output = join(outDir, rel.replace(/\.ts$/, '.js'));
        const result = await transformFile(input, swcOptions(root, input));
        const mapName = `${output.slice(dirname(output).length + 1)}.map`;
        mkdirSync(dirname(output), { recursive: true });
        writeFileSync(output, `${result.code}\n//# sourceMappingURL=${mapName}\n`);
        if (result.map) writeFileSync(`${output}.map`, result.map);
      }
    }),
  );
  log(`compiled ${sources.length} files into ${relative(process.cwd(), outDir) || '.'}`);

  const entryPoints = readdirSync(join(outDir, 'apps'))
    .map((app) => join('apps', app, 'src', 'main.js'))
    .filter((entry) => existsSync(join(outDir, entry)));
  if (entryPoints.length === 0) throw new Error('no service entry point (apps/<service>/src/main.ts) was built');
  const { packages, transitive } = checkRequireGraph(root, outDir, entryPoints);
  log(`entry points: ${entryPoints.join(', ')}`);
  log(`production packages required: ${packages.join(', ')}`);
  if (transitive.length > 0) {
    log(`warning: required but not declared in package.json dependencies (installed hoisted as a dependency of a dependency): ${transitive.join(', ')}`);
  }
  return { outDir, files: sources.length, entryPoints, packages, transitive };
}

/**
 * Follows every `require("...")` from the entry points through the compiled tree. Throws on a
 * relative require that does not resolve inside outDir, on a leftover `@ordersource/` alias, and
 * on a package that `npm ci --omit=dev` does not install at the top of node_modules (per
 * package-lock.json: absent, or marked dev); returns the packages used, and those among them
 * that are only there as a dependency of a dependency (decorator metadata can name such a type's
 * package, e.g. `fastify` through @nestjs/platform-fastify).
 */
export function checkRequireGraph(root: string, outDir: string, entryPoints: string[]): { packages: string[]; transitive: string[] } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  const declared = new Set(Object.keys(pkg.dependencies ?? {}));
  const installedInProduction = (name: string) => {
    const entry = lock.packages[`node_modules/${name}`];
    return entry !== undefined && !entry.dev && !entry.devOptional;
  };
  const builtins = new Set(builtinModules);
  const problems: string[] = [];
  const used = new Set<string>();
  const seen = new Set<string>();
  const pending = entryPoints.map((entry) => join(outDir, entry));
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/\brequire\(\s*(["'])([^"']+)\1\s*\)/g)) {
      const specifier = match[2];
      const where = relative(outDir, file);
      if (specifier.startsWith('.')) {
        const target = resolveCompiled(join(dirname(file), specifier));
        if (target) pending.push(target);
        else problems.push(`${where}: require("${specifier}") is not in the build (test support or a missing file?)`);
      } else if (specifier.startsWith('node:') || builtins.has(specifier)) {
        continue;
      } else if (specifier.startsWith('@ordersource/')) {
        problems.push(`${where}: alias require("${specifier}") was not rewritten`);
      } else {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        if (declared.has(name) || installedInProduction(name)) used.add(name);
        else problems.push(`${where}: require("${specifier}"): "${name}" is not installed by \`npm ci --omit=dev\``);
      }
    }
  }
  if (problems.length > 0) throw new Error(`the build would not run on production dependencies:\n  ${problems.join('\n  ')}`);
  const packages = [...used].sort();
  return { packages, transitive: packages.filter((name) => !declared.has(name)) };
}

function resolveCompiled(base: string): string | undefined {
  for (const candidate of [base, `${base}.js`, join(base, 'index.js'), `${base}.json`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function listFiles(root: string, dir: string): string[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

function parseArgs(argv: string[]): { outDir: string } {
  let outDir = 'dist';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) outDir = argv[++i];
    else throw new Error(`unknown argument "${argv[i]}" (usage: build.ts [--out <dir>])`);
  }
  return { outDir };
}

if (require.main === module) {
  const root = resolve(__dirname, '..', '..');
  const started = Date.now();
  build({ root, outDir: resolve(root, parseArgs(process.argv.slice(2)).outDir), log: (line) => console.log(`build: ${line}`) }).then(
    () => console.log(`build: done in ${Date.now() - started} ms`),
    (error: unknown) => {
      console.error(`build: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
