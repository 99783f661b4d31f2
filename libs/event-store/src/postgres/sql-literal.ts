/**
 * A string as a PostgreSQL literal, for the multi-statement messages of the append paths (the
 * extended protocol cannot carry several statements in one round trip). Exactly what pg's
 * escapeLiteral returns (sql-literal.spec.ts checks it on arbitrary strings), without its
 * character-by-character concatenation: on a batch of event payloads that loop was the
 * append's largest client cost after hashing, most of it garbage collection (issue 18).
 */
export function sqlLiteral(text: string): string {
  const quoted = text.includes("'") ? text.replace(/'/g, "''") : text;
  if (!text.includes('\\')) return `'${quoted}'`;
  return ` E'${quoted.replace(/\\/g, '\\\\')}'`;
}
