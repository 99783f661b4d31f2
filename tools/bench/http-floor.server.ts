/**
 * The command benchmark's second reference (commands.bench.ts): the cheapest HTTP write service
 * on the same machine, in its own process as the command service is: plain Fastify, one pg pool
 * of 20, and per `POST /orders` one INSERT of the body as jsonb, answered 201. No auth,
 * validation, decision, sealing, hash chain, order number or idempotency: what is left is what
 * every HTTP write to PostgreSQL pays here (the request, the response, one round trip, one
 * commit). Listens on HTTP_FLOOR_PORT, answers /health/ready, stops on SIGTERM (dropping its table).
 */
import Fastify from 'fastify';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_http_floor (id uuid PRIMARY KEY, body jsonb NOT NULL)');
  const app = Fastify();
  app.get('/health/ready', async () => ({ status: 'ok' }));
  app.post('/orders', async (request, reply) => {
    const body = request.body as { orderId: string };
    await pool.query('INSERT INTO bench_http_floor VALUES ($1, $2)', [body.orderId, body]);
    return reply.code(201).send({ orderId: body.orderId });
  });
  await app.listen({ port: Number(process.env.HTTP_FLOOR_PORT), host: '127.0.0.1' });
  process.once('SIGTERM', () => {
    // Its rows go with it, so autovacuum has nothing of the floor's to vacuum afterwards.
    void app
      .close()
      .then(() => pool.query('DROP TABLE bench_http_floor'))
      .then(() => pool.end())
      .catch((error: unknown) => console.error(error))
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
