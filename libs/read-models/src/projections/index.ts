import type { ViewDefinition } from '../store/read-store.port';
import { analyticsProjection } from './analytics/analytics.projection';
import { auditProjection } from './audit/audit.projection';
import { orderTrackingProjection } from './order-tracking/order-tracking.projection';
import { paymentsProjection } from './payments/payments.projection';
import type { Projection, ProjectionName } from './projection';
import { shippingProjection } from './shipping/shipping.projection';

export const projections: Readonly<Record<ProjectionName, Projection>> = {
  'order-tracking': orderTrackingProjection,
  payments: paymentsProjection,
  shipping: shippingProjection,
  audit: auditProjection,
  analytics: analyticsProjection,
};

/** Every view the read stores hold; adapters and migrations create exactly these. */
export const readModelViews: readonly ViewDefinition[] = Object.values(projections).map((projection) => projection.view);
