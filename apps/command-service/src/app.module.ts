import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStore, IdempotencyStore } from '@ordersource/event-store';
import { ApiKeyRing, Logger, PlatformModule, closeOnShutdown, READINESS_CHECKS, ReadinessCheck, ServiceMetrics } from '@ordersource/platform';
import { AdminController } from './admin/admin.controller';
import { CUSTOMER_FORGETTER, CustomerForgetter } from './admin/customer-forgetter';
import { REPAIR_LOG, RepairLog } from './admin/repair-log';
import { AuthorizePaymentHandler } from './orders/authorize-payment/authorize-payment';
import { CancelOrderHandler } from './orders/cancel-order/cancel-order';
import { CapturePaymentHandler } from './orders/capture-payment/capture-payment';
import { CommandMetrics } from './orders/command-metrics';
import { CommandRunner } from './orders/command-runner';
import { DeliverOrderHandler } from './orders/deliver-order/deliver-order';
import { DispatchShipmentHandler } from './orders/dispatch-shipment/dispatch-shipment';
import { FailPaymentHandler } from './orders/fail-payment/fail-payment';
import { OrderCommandExecutor } from './orders/order-command.executor';
import { OrderCommandsController } from './orders/order-commands.controller';
import { PlaceOrderHandler } from './orders/place-order/place-order';
import { COMMAND_SETTINGS, CommandSettings, EVENT_STORE, IDEMPOTENCY_STORE, PERSONAL_DATA, PersonalDataSealer } from './orders/ports';
import { RecordCheckpointHandler } from './orders/record-checkpoint/record-checkpoint';
import { RefundPaymentHandler } from './orders/refund-payment/refund-payment';

export interface CommandServiceDependencies {
  logger: Logger;
  metrics: ServiceMetrics;
  apiKeys: ApiKeyRing;
  eventStore: EventStore;
  idempotency: IdempotencyStore;
  personalData: PersonalDataSealer & CustomerForgetter;
  repairs: RepairLog;
  settings: CommandSettings;
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
          readiness: { provide: READINESS_CHECKS, useValue: deps.readiness },
        }),
      ],
      controllers: [OrderCommandsController, AdminController],
      providers: [
        { provide: EVENT_STORE, useValue: deps.eventStore },
        { provide: IDEMPOTENCY_STORE, useValue: deps.idempotency },
        { provide: PERSONAL_DATA, useValue: deps.personalData },
        { provide: CUSTOMER_FORGETTER, useValue: deps.personalData },
        { provide: REPAIR_LOG, useValue: deps.repairs },
        { provide: COMMAND_SETTINGS, useValue: deps.settings },
        closeOnShutdown(deps.onShutdown),
        CommandMetrics,
        CommandRunner,
        OrderCommandExecutor,
        PlaceOrderHandler,
        AuthorizePaymentHandler,
        FailPaymentHandler,
        CapturePaymentHandler,
        DispatchShipmentHandler,
        RecordCheckpointHandler,
        DeliverOrderHandler,
        CancelOrderHandler,
        RefundPaymentHandler,
      ],
    };
  }
}
