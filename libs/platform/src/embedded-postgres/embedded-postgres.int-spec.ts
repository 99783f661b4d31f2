import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { SUPERUSER_PASSWORD_FILE } from './embedded-postgres';

const CLI = join(__dirname, 'embedded-postgres.cli.ts');

interface Started {
  url: string;
  port: number;
  started: boolean;
  process: ChildProcessWithoutNullStreams;
}

function startInChild(dataDir: string, port?: number): Promise<Started> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', CLI, 'start', dataDir, ...(port ? [String(port)] : [])], { cwd: join(__dirname, '../../../..') });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.once('exit', (code) => reject(new Error(`embedded-postgres.cli exited ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve({ ...JSON.parse(line), process: child }));
  });
}

function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin.end();
  });
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordersource-embedded-spec-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts a real PostgreSQL 18 server and keeps its data across a restart', async () => {
    const first = await startInChild(dataDir);
    expect(first.started).toBe(true);
    // The superuser password is random, kept in the folder for its owner only (issue 17).
    const password = decodeURIComponent(new URL(first.url).password);
    const file = join(dataDir, SUPERUSER_PASSWORD_FILE);
    expect(password).not.toBe('postgres');
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(readFileSync(file, 'utf8').trim()).toBe(password);
    expect(statSync(file).mode & 0o077).toBe(0);
    const guessed = new URL(first.url);
    guessed.password = 'postgres';
    await expect(query(guessed.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    const [{ server_version_num }] = (await query(first.url, 'SHOW server_version_num')) as [{ server_version_num: string }];
    expect(Number(server_version_num)).toBeGreaterThanOrEqual(180000);
    await query(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$survives$$)');
    await stopChild(first.process);

    const second = await startInChild(dataDir);
    try {
      expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives' }]);
    } finally {
      await stopChild(second.process);
    }
  });

  it('reuses a server still running in its folder instead of starting a second one', async () => {
    const running = await startInChild(dataDir);
    try {
      const again = await startInChild(dataDir);
      await stopChild(again.process);
      expect(again.started).toBe(false);
      expect(again.port).toBe(running.port);
      expect(await query(running.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await stopChild(running.process);
    }
  });
  it('exits when its server dies, and a restart on the same port recovers the data', async () => {
    const running = await startInChild(dataDir);
    const exited = new Promise<number | null>((resolve) => running.process.once('exit', (code) => resolve(code)));
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

    process.kill(postmaster, 'SIGKILL');

    expect(await exited).toBe(1);
    const restarted = await startInChild(dataDir, running.port);
    try {
      expect([restarted.started, restarted.port, restarted.url]).toEqual([true, running.port, running.url]);
      expect(await query(restarted.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives' }]);
    } finally {
      await stopChild(restarted.process);
    }
  });

  it('starts from a data folder inside a private (0700) folder, as a mktemp -d checkout has', async () => {
    const privateParent = mkdtempSync(join(tmpdir(), 'ordersource-private-'));
    chmodSync(privateParent, 0o700);
    try {
      const server = await startInChild(join(privateParent, 'nested', 'pg'));
      try {
        expect(server.started).toBe(true);
        expect(await query(server.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      } finally {
        await stopChild(server.process);
      }
    } finally {
      rmSync(privateParent, { recursive: true, force: true });
    }
  });
});
