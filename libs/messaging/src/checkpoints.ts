import type { ClientBase } from 'pg';

export interface Checkpoint {
  cursor: string;
  position: string | null;
}

/** A reader's place in readAll; absent: the start of the log. */
export async function loadCheckpoint(client: ClientBase, name: string): Promise<Checkpoint | undefined> {
  const { rows } = await client.query<{ cursor: string; position: string | null }>('SELECT cursor, position FROM messaging_checkpoints WHERE name = $1', [name]);
  return rows[0];
}

export async function saveCheckpoint(client: ClientBase, name: string, checkpoint: Checkpoint): Promise<void> {
  await client.query(
    `INSERT INTO messaging_checkpoints (name, cursor, position, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (name) DO UPDATE SET cursor = EXCLUDED.cursor, position = EXCLUDED.position, updated_at = now()`,
    [name, checkpoint.cursor, checkpoint.position],
  );
}

/** Approximate events behind `position`: positions can have holes (rolled-back appends). */
export async function eventsAfter(client: ClientBase, position: string | null): Promise<number> {
  const { rows } = await client.query<{ head: string | null }>('SELECT max(position)::text AS head FROM events');
  const head = rows[0].head === null ? 0n : BigInt(rows[0].head);
  const behind = head - BigInt(position ?? '0');
  return behind > 0n ? Number(behind) : 0;
}
