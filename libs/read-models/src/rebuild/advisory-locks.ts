/**
 * Cluster-wide coordination of a rebuild with PostgreSQL advisory locks (issue 7):
 * - `ordersource:rebuild:<view>` (exclusive, session): one rebuild per view at a time, across
 *   the projector instances and the replay CLI. Held on a dedicated connection, so a killed
 *   rebuilder frees it with its backend and a restart can resume.
 * - `ordersource:projection-pause:<view>`: each batch of the live projection holds it shared
 *   (pausable-subscriptions.ts); the rebuilder takes it exclusive for the swap, which waits for
 *   the batch in flight and holds the next ones, in whichever process they run.
 */
import { Client, type Pool, type PoolClient } from 'pg';

export const rebuildLockName = (view: string) => `ordersource:rebuild:${view}`;
export const pauseLockName = (view: string) => `ordersource:projection-pause:${view}`;

export class RebuildLock {
  private constructor(
    private readonly client: Client,
    readonly view: string,
  ) {}

  /** The view's rebuild lock, or undefined when another rebuild of it runs somewhere. */
  static async tryAcquire(url: string, view: string): Promise<RebuildLock | undefined> {
    // No statement or lock timeout here: the pause below waits for a live batch to finish.
    const client = new Client({ connectionString: url, application_name: `ordersource-rebuild:${view}` });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [rebuildLockName(view)]);
      if (rows[0].locked) return new RebuildLock(client, view);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    await client.end();
    return undefined;
  }

  /** Returns once no live batch of the view runs, and holds the next ones until resumeLive. */
  async pauseLive(): Promise<void> {
    await this.client.query('SELECT pg_advisory_lock(hashtext($1))', [pauseLockName(this.view)]);
  }

  async resumeLive(): Promise<void> {
    await this.client.query('SELECT pg_advisory_unlock(hashtext($1))', [pauseLockName(this.view)]);
  }

  async release(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** SQLSTATEs of a lock wait cut short by the pool's lock_timeout or statement_timeout. */
const LOCK_WAIT_CUT = new Set(['55P03', '57014']);

/**
 * Runs `work` while holding the view's pause lock shared. A wait cut by the pool's timeouts is
 * retried here rather than failing the batch: a failed batch counts towards parking it.
 */
export async function whileNotPaused<T>(pool: Pool, view: string, work: () => Promise<T>): Promise<T> {
  const client: PoolClient = await pool.connect();
  try {
    for (;;) {
      try {
        await client.query('SELECT pg_advisory_lock_shared(hashtext($1))', [pauseLockName(view)]);
        break;
      } catch (error) {
        if (!LOCK_WAIT_CUT.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock_shared(hashtext($1))', [pauseLockName(view)]);
    }
  } finally {
    client.release();
  }
}
