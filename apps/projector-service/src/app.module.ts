import { DynamicModule, Module } from '@nestjs/common';
import { ApiKeyRing, Logger, PlatformModule, closeOnShutdown, READINESS_CHECKS, ReadinessCheck, ServiceMetrics, Tracer } from '@ordersource/platform';
import { REBUILDER, RebuildController } from './rebuild/rebuild.controller';
import { PARKED_EVENTS, ParkedController, type ParkedEvents } from './parked/parked.controller';
import type { Rebuilder } from '@ordersource/read-models';

export interface ProjectorServiceDependencies {
  logger: Logger;
  metrics: ServiceMetrics;
  apiKeys: ApiKeyRing;
  tracer?: Tracer;
  readiness: ReadinessCheck[];
  rebuilder: Rebuilder;
  parked: ParkedEvents;
  /** Stops the workers, then closes the stores. */
  onShutdown: () => Promise<void>;
}

@Module({})
export class ProjectorServiceModule {
  static forRoot(deps: ProjectorServiceDependencies): DynamicModule {
    return {
      module: ProjectorServiceModule,
      imports: [
        PlatformModule.forRoot({ logger: deps.logger, metrics: deps.metrics, apiKeys: deps.apiKeys, tracer: deps.tracer, readiness: { provide: READINESS_CHECKS, useValue: deps.readiness } }),
      ],
      controllers: [RebuildController, ParkedController],
      providers: [closeOnShutdown(deps.onShutdown), { provide: REBUILDER, useValue: deps.rebuilder }, { provide: PARKED_EVENTS, useValue: deps.parked }],
    };
  }
}
