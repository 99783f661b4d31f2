import { DynamicModule, Module } from '@nestjs/common';
import { ViewReader } from '@ordersource/read-models';
import { ApiKeyRing, Logger, PlatformModule, closeOnShutdown, READINESS_CHECKS, ReadinessCheck, ServiceMetrics, Tracer } from '@ordersource/platform';
import { PostgresAlertStore } from '@ordersource/monitoring';
import { ALERT_STORE, AlertsController } from './alerts/alerts.controller';
import { AnalyticsController } from './analytics/analytics.controller';
import { AuditController } from './audit/audit.controller';
import { OrderHistory } from './orders/order-history';
import { OrdersController } from './orders/orders.controller';
import { PaymentsController } from './payments/payments.controller';
import { HeadWatch } from './head-watch';
import { HEAD_WATCH, OPENER, PROJECTION_STATUS, PersonalDataOpener, ProjectionStatusSource, VIEW_READER } from './ports';
import { ProjectionsController } from './projections/projections.controller';
import { ReadAccess } from './read-access';
import { ShipmentsController } from './shipments/shipments.controller';

export interface QueryServiceDependencies {
  logger: Logger;
  metrics: ServiceMetrics;
  apiKeys: ApiKeyRing;
  tracer?: Tracer;
  views: ViewReader;
  opener: PersonalDataOpener;
  projectionStatus: ProjectionStatusSource;
  /** Parked X-Min-Version reads, woken by the projector's progress notifications. */
  headWatch: HeadWatch;
  /** GET /alerts reads the alerts the evaluator keeps (libs/monitoring). */
  alertStore: PostgresAlertStore;
  readiness: ReadinessCheck[];
  onShutdown: () => Promise<void>;
}

@Module({})
export class QueryServiceModule {
  static forRoot(deps: QueryServiceDependencies): DynamicModule {
    return {
      module: QueryServiceModule,
      imports: [
        PlatformModule.forRoot({
          logger: deps.logger,
          metrics: deps.metrics,
          apiKeys: deps.apiKeys,
          tracer: deps.tracer,
          readiness: { provide: READINESS_CHECKS, useValue: deps.readiness },
        }),
      ],
      controllers: [OrdersController, PaymentsController, ShipmentsController, AuditController, ProjectionsController, AnalyticsController, AlertsController],
      providers: [
        { provide: VIEW_READER, useValue: deps.views },
        { provide: OPENER, useValue: deps.opener },
        { provide: PROJECTION_STATUS, useValue: deps.projectionStatus },
        { provide: HEAD_WATCH, useValue: deps.headWatch },
        { provide: ALERT_STORE, useValue: deps.alertStore },
        closeOnShutdown(deps.onShutdown),
        ReadAccess,
        OrderHistory,
      ],
    };
  }
}
