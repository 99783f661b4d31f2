import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CorrelatedStreams, EventStore, IdempotencyStore, NamedSequences } from '@ordersource/event-store';
import { ApiKeyRing, Logger, PlatformModule, closeOnShutdown, READINESS_CHECKS, ReadinessCheck, ServiceMetrics, Tracer } from '@ordersource/platform';
import { AdminController } from './admin/admin.controller';
import { ImportsController, ORDER_IMPORTER } from './admin/imports/imports.controller';
import { OrderImporter } from '@ordersource/order-import';
import { CUSTOMER_FORGETTER, CustomerForgetter } from './admin/customer-forgetter';
import { CommandEndpoint } from './orders/command-endpoint';
import { REPAIR_LOG, RepairLog } from './admin/repair-log';
import { CORRELATED_STREAMS, RevertsController } from './admin/reverts/reverts.controller';
import { CommandMetrics } from './orders/command-metrics';
import { OrderCommandOptions } from './orders/order-command';
import { orderCommandControllers, orderCommandHandlers } from './orders/order-use-cases';
import { COMMAND_SETTINGS, CommandSettings, EVENT_STORE, IDEMPOTENCY_STORE, NAMED_SEQUENCES, PERSONAL_DATA, PersonalDataSealer } from './orders/ports';

export interface CommandServiceDependencies {
  logger: Logger;
  metrics: ServiceMetrics;
  apiKeys: ApiKeyRing;
  tracer?: Tracer;
  eventStore: EventStore;
  /** Order numbers (issue 15). */
  sequences: NamedSequences;
  idempotency: IdempotencyStore;
  personalData: PersonalDataSealer & CustomerForgetter;
  repairs: RepairLog;
  /** `POST /admin/reverts`: which orders a correlation id touched. */
  correlatedStreams: CorrelatedStreams;
  settings: CommandSettings;
  /** `POST /admin/imports`: the streaming import of historical orders. */
  orderImporter: OrderImporter;
  readiness: ReadinessCheck[];
  /** Closes the database pool; called after the HTTP server has finished its in-flight requests. */
  onShutdown: () => Promise<void>;
}

@Module({})
export class CommandServiceModule {
  static forRoot(deps: CommandServiceDependencies): DynamicModule {
    return {
      module: CommandServiceModule,
      imports: [
        CqrsModule.forRoot(),
        PlatformModule.forRoot({
          logger: deps.logger,
          metrics: deps.metrics,
          apiKeys: deps.apiKeys,
          tracer: deps.tracer,
          readiness: { provide: READINESS_CHECKS, useValue: deps.readiness },
        }),
      ],
      controllers: [...orderCommandControllers, AdminController, ImportsController, RevertsController],
      providers: [
        { provide: EVENT_STORE, useValue: deps.eventStore },
        { provide: NAMED_SEQUENCES, useValue: deps.sequences },
        { provide: IDEMPOTENCY_STORE, useValue: deps.idempotency },
        { provide: PERSONAL_DATA, useValue: deps.personalData },
        { provide: CUSTOMER_FORGETTER, useValue: deps.personalData },
        { provide: REPAIR_LOG, useValue: deps.repairs },
        { provide: CORRELATED_STREAMS, useValue: deps.correlatedStreams },
        { provide: COMMAND_SETTINGS, useValue: deps.settings },
        { provide: ORDER_IMPORTER, useValue: deps.orderImporter },
        closeOnShutdown(deps.onShutdown),
        CommandMetrics,
        CommandEndpoint,
        OrderCommandOptions,
        ...orderCommandHandlers,
      ],
    };
  }
}
