/**
 * Builds the console's page from the lockfile's packages (Preact, uPlot) with esbuild: one
 * script and one stylesheet with content hashes under assets/, and index.html naming them.
 * Nothing is fetched at run time; the console process only serves these files.
 *
 *   node -r @swc-node/register apps/console/build/build-web.ts [--out <dir>]   (default: apps/console/dist)
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const webRoot = resolve(__dirname, '..', 'web');

export interface BuiltPage {
  outDir: string;
  script: string;
  stylesheet: string;
}

export async function buildConsoleWeb(outDir = resolve(__dirname, '..', 'dist')): Promise<BuiltPage> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: [join(webRoot, 'main.tsx')],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: 'app-[hash]',
    outdir: join(outDir, 'assets'),
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
    tsconfig: join(webRoot, 'tsconfig.json'),
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const stylesheet = outputs.find((file) => file.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`esbuild produced no script or stylesheet: ${outputs.join(', ')}`);
  const html = readFileSync(join(webRoot, 'index.html'), 'utf8').replace('%SCRIPT%', `/assets/${script}`).replace('%STYLESHEET%', `/assets/${stylesheet}`);
  writeFileSync(join(outDir, 'index.html'), html);
  return { outDir, script, stylesheet };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const out = args[0] === '--out' && args[1] ? resolve(args[1]) : undefined;
  if (args.length > 0 && !out) {
    console.error('usage: build-web.ts [--out <dir>]');
    process.exit(2);
  }
  const started = Date.now();
  buildConsoleWeb(out).then(
    (page) => console.log(`console: page built into ${page.outDir} (${page.script}, ${page.stylesheet}) in ${Date.now() - started} ms`),
    (error: unknown) => {
      console.error(`console: page build failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
