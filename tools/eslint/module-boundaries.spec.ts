import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The layer rules of ARCHITECTURE.md are only real if they can fail: lint small sources as if
 * they sat in each layer and check that the forbidden imports are reported.
 */
const root = join(__dirname, '..', '..');

interface LintResult {
  messages: { ruleId: string | null; severity: number; message: string }[];
}

/** Runs the real eslint CLI (its flat config is an ES module, which jest's runtime cannot load). */
async function lintAs(file: string, source: string): Promise<string[]> {
  const run = spawnSync('npx', ['eslint', '--format', 'json', '--stdin', '--stdin-filename', join(root, file)], {
    cwd: root,
    input: source,
    encoding: 'utf8',
  });
  const [result] = JSON.parse(run.stdout) as LintResult[];
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer rules', () => {
  beforeAll(() => {
    // The Nx rule reads the cached project graph; compute it as `nx lint` would.
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  }, 120_000);

  it('refuses a framework import in the domain', async () => {
    const errors = await lintAs('libs/orders/domain/src/leak.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n");
    expect(errors.join('\n')).toMatch(/enforce-module-boundaries.*@nestjs\/common/);
  });

  it('refuses a database driver in the domain', async () => {
    const errors = await lintAs('libs/orders/domain/src/leak.ts', "import { Pool } from 'pg';\nexport const x = Pool;\n");
    expect(errors.join('\n')).toMatch(/enforce-module-boundaries.*pg/);
  });

  it('refuses a dependency of the domain on another library', async () => {
    const errors = await lintAs('libs/orders/domain/src/leak.ts', "import { loadConfig } from '@ordersource/platform';\nexport const x = loadConfig;\n");
    expect(errors.join('\n')).toMatch(/enforce-module-boundaries/);
  });

  it('refuses a library reaching into an app', async () => {
    const errors = await lintAs('libs/event-store/src/leak.ts', "import { startCommandService } from '../../../apps/command-service/src/bootstrap';\nexport const x = startCommandService;\n");
    expect(errors.join('\n')).toMatch(/enforce-module-boundaries/);
  });

  it('refuses test support in application code but allows it in tests', async () => {
    const source = "import { createTestDatabase } from '@ordersource/testing/postgres';\nexport const x = createTestDatabase;\n";
    expect((await lintAs('apps/command-service/src/leak.ts', source)).join('\n')).toMatch(/no-restricted-imports/);
    expect(await lintAs('apps/command-service/src/leak.e2e-spec.ts', source)).toEqual([]);
  });

  it('allows an app to depend on the domain', async () => {
    expect(await lintAs('apps/command-service/src/ok.ts', "import { decide } from '@ordersource/domain';\nexport const x = decide;\n")).toEqual([]);
  });
});
