import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { ApiKeyRing, Logger, PlatformModule, READINESS_CHECKS, ReadinessCheck, ServiceMetrics } from '@ordersource/platform';
import { REBUILDER, RebuildController } from './rebuild/rebuild.controller';
import type { Rebuilder } from './rebuild/rebuild-port';

export interface ProjectorServiceDependencies {
  logger: Logger;
  metrics: ServiceMetrics;
  apiKeys: ApiKeyRing;
  readiness: ReadinessCheck[];
  rebuilder: Rebuilder;
  /** Stops the workers, then closes the stores. */
  onShutdown: () => Promise<void>;
}

class ShutdownHook implements OnApplicationShutdown {
  constructor(private readonly close: () => Promise<void>) {}
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

@Module({})
export class ProjectorServiceModule {
  static forRoot(deps: ProjectorServiceDependencies): DynamicModule {
    return {
      module: ProjectorServiceModule,
      imports: [
        PlatformModule.forRoot({ logger: deps.logger, metrics: deps.metrics, apiKeys: deps.apiKeys, readiness: { provide: READINESS_CHECKS, useValue: deps.readiness } }),
      ],
      controllers: [RebuildController],
      providers: [{ provide: 'ProjectorShutdown', useFactory: () => new ShutdownHook(deps.onShutdown) }, { provide: REBUILDER, useValue: deps.rebuilder }],
    };
  }
}
