import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';

const WORKSPACE = join(__dirname, '../../../..');

describe('a connection lost while checked out of the pool', () => {
  let testDatabase: TestDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_event_store_loss');
  });

  afterAll(async () => {
    await testDatabase?.drop();
  });

  it('does not end the process, and the pool answers on a new connection', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'connection-loss.child.ts')], {
      cwd: WORKSPACE,
      env: { ...process.env, LOSS_DATABASE_URL: testDatabase.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines: string[] = [];
    const outcome = new Promise<string>((resolve) => {
      child.on('exit', (code) => resolve(`exited ${code}: ${stderr.split('\n').slice(0, 3).join(' ')}`));
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(line);
          if (line === 'alive') resolve('alive');
        }
      });
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('exit', () => reject(new Error(`child exited early: ${stderr}`)));
      child.stdout.on('data', () => {
        const line = lines.find((l) => l.startsWith('pid '));
        if (line) resolve(Number(line.slice(4)));
      });
    });
    // What a server crash or restart does to the connection: the backend ends with a FATAL error.
    const admin = new Client({ connectionString: testDatabase.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();

    expect(await outcome).toBe('alive');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  });
});
