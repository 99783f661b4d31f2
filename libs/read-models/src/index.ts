export type { Projection, ProjectionName, ProjectionStep } from './projections/projection';
export { projectionNames } from './projections/projection';
export { projections, readModelViews } from './projections';
export { orderTrackingProjection, orderTrackingView } from './projections/order-tracking/order-tracking.projection';
export type { OrderTrackingDocument, PaymentStatus, ShipmentStatus, CheckpointSummary } from './projections/order-tracking/order-tracking.projection';
export { PAYMENT_RECORDS, paymentsProjection, paymentsView } from './projections/payments/payments.projection';
export type { PaymentRecord, PaymentRecordDocument, PaymentRecordKind, PaymentsDocument } from './projections/payments/payments.projection';
export { shippingProjection, shippingView } from './projections/shipping/shipping.projection';
export type { ShippingDocument, ShippingStatus } from './projections/shipping/shipping.projection';
export type { RouteEntry } from './projections/shipping/route';
export { AUDIT_EVENTS, auditProjection, auditView } from './projections/audit/audit.projection';
export type { AuditEventDocument } from './projections/audit/audit.projection';
export { analyticsProjection, analyticsView, evolveAnalytics, paymentMethodOf } from './projections/analytics/analytics.projection';
export type { AnalyticsCheckpoint, AnalyticsDocument, AnalyticsPayment, AnalyticsPaymentKind } from './projections/analytics/analytics.projection';
export * as analyticsFigures from './projections/analytics/figures';
export { analyticsDocuments } from './projections/analytics/analytics-documents';
export type {
  AnalyticsBucket,
  AnalyticsWindow,
  CarrierFigures,
  CountryOf,
  DurationItem,
  DurationsGroupBy,
  ForecastMetric,
  Funnel,
  LocationFigures,
  Logistics,
  MoneyMap,
  OrdersGroupBy,
  OrdersPoint,
  OrdersSeries,
  Stage,
} from './projections/analytics/figures';
export * from './store/read-store.port';
export { InvalidQueryError, ViewGenerationError } from './store/errors';
export { documentMatches, MAX_PAGE_LIMIT } from './store/query';
export { MemoryReadStore } from './store/memory/memory-read-store';
export { MongoReadStore } from './store/mongo/mongo-read-store';
export { PostgresReadStore } from './store/postgres/postgres-read-store';
export { CreateReadModels1796000000000, readModelMigrations } from './store/postgres/migrations';
export { assertNoGaps, ProjectionContentionError, ProjectionGapError, runProjection, runProjectionFillingGaps } from './projection-runner';
export type { FilledGap, ProjectionRunStats, RunOptions } from './projection-runner';
export { orderStateAt } from './time-travel';
export { foldWithReverts, revertOf } from './reverts';
export type { RevertData, VersionedEvent } from './reverts';
export type { TimeTravelEvent } from './time-travel';
export { openReadStore } from './store/open-read-store';
export { ProjectionStatusStore, projectionStatusMigrations } from './status/projection-status';
export type { ProjectionStatus } from './status/projection-status';
export * from './rebuild';
export { VIEW_PROGRESS_CHANNEL, ViewProgressListener, ViewProgressPublisher, decodeViewProgress, encodeViewProgress } from './progress/view-progress';
export type { ViewProgress, ViewProgressListenerOptions } from './progress/view-progress';
