import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Logger } from 'pino';
import { API_KEY_RING, AccessGuard } from './auth/access.guard';
import { ApiKeyRing } from './auth/api-keys';
import { OperationsController, READINESS_CHECKS, ReadinessCheck } from './health/health.controller';
import { ServiceMetrics } from './metrics/metrics';
import { LOGGER, SERVICE_METRICS } from './platform.tokens';

export interface PlatformModuleOptions {
  logger: Logger;
  metrics: ServiceMetrics;
  apiKeys: ApiKeyRing;
  /** Providers of READINESS_CHECKS are given by the service (they need its stores). */
  readiness?: Provider;
}

/** Auth guard, health, metrics and the logger for one service, wired once. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const readiness: Provider = options.readiness ?? { provide: READINESS_CHECKS, useValue: [] as ReadinessCheck[] };
    return {
      module: PlatformModule,
      controllers: [OperationsController],
      providers: [
        { provide: LOGGER, useValue: options.logger },
        { provide: SERVICE_METRICS, useValue: options.metrics },
        { provide: API_KEY_RING, useValue: options.apiKeys },
        { provide: APP_GUARD, useClass: AccessGuard },
        readiness,
      ],
      exports: [LOGGER, SERVICE_METRICS, API_KEY_RING],
    };
  }
}
