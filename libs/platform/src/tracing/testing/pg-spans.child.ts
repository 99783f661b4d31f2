/**
 * A service process in miniature (issue 15): the library instrumentations first, then pg, then
 * tracing from the environment. One query inside a span of ours, one outside any span.
 */
import '../instrument-libraries';
import { Client } from 'pg';
import { startTracing } from '../otel-tracer';
import { tracingSettings } from '../tracing-settings';

void (async () => {
  const tracing = await startTracing('pg-probe', tracingSettings(process.env));
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await tracing.tracer.inSpan('probe work', {}, () => client.query("SELECT 'inside' AS where_from"));
    await client.query("SELECT 'outside' AS where_from");
  } finally {
    await client.end();
    await tracing.shutdown();
  }
})();
