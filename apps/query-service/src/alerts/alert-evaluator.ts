import type { EventStore } from '@ordersource/event-store';
import {
  AlertEvaluator,
  type AlertSettings,
  type EvaluatorLogger,
  PostgresAlertStore,
  WebhookSender,
  buildAlertRules,
  integritySignal,
  orderSignalsFromViews,
  paymentSignalsFromViews,
  projectionSignals,
  volumeForecastFromAnalytics,
} from '@ordersource/monitoring';
import type { ReadStore } from '@ordersource/read-models';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { ProjectionStatusSource } from '../ports';

export interface AlertWiring {
  settings: AlertSettings;
  /** The database owner's URL (the evaluator's leader lock holds its own connection). */
  url: string;
  pool: Pool;
  readStore: ReadStore;
  /** GET /projections' status, and the parked-event counts the projector publishes beside it (both profiles). */
  projectionStatus: ProjectionStatusSource & { parkedCounts(): Promise<Map<string, number>> };
  eventStore: Pick<EventStore, 'verifyIntegrity'>;
  registry: Registry;
  logger: EvaluatorLogger;
}

/**
 * The alert evaluator runs in the query service: every rule reads what this service already
 * reads (the views, the projection status, the log's integrity, the analytics view for the
 * forecast), and it answers GET /alerts. The projector stays a writer of views only. However
 * many query instances run, one evaluates (leader lock); every instance serves the alerts and
 * the gauge.
 */
export function startAlertEvaluator(wiring: AlertWiring): { store: PostgresAlertStore; evaluator: AlertEvaluator } {
  const store = new PostgresAlertStore(wiring.pool);
  const rules = buildAlertRules(wiring.settings, {
    orders: orderSignalsFromViews(wiring.readStore),
    payments: paymentSignalsFromViews(wiring.readStore),
    projections: projectionSignals(wiring.projectionStatus),
    integrity: integritySignal(wiring.eventStore),
    forecast: volumeForecastFromAnalytics(wiring.readStore),
  });
  const evaluator = new AlertEvaluator({
    url: wiring.url,
    pool: wiring.pool,
    store,
    rules,
    intervalMs: wiring.settings.evalIntervalMs,
    webhook: wiring.settings.webhook && new WebhookSender(wiring.pool, wiring.settings.webhook),
    registry: wiring.registry,
    logger: wiring.logger,
  });
  evaluator.start();
  return { store, evaluator };
}
