import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Logger } from 'pino';
import { API_KEY_RING, AccessGuard } from './auth/access.guard';
import { ApiKeyRing } from './auth/api-keys';
import { OperationsController, READINESS_CHECKS, ReadinessCheck } from './health/health.controller';
import { ServiceMetrics } from './metrics/metrics';
import { LOGGER, SERVICE_METRICS, TRACER } from './platform.tokens';
import { noTracer, Tracer } from './tracing/tracer.port';

export interface PlatformModuleOptions {
  logger: Logger;
  metrics: ServiceMetrics;
  apiKeys: ApiKeyRing;
  /** The service's tracer (issue 15); default: tracing off. */
  tracer?: Tracer;
  /** Providers of READINESS_CHECKS are given by the service (they need its stores). */
  readiness?: Provider;
}

/** Auth guard, health, metrics, the logger and the tracer for one service, wired once. */
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
        { provide: TRACER, useValue: options.tracer ?? noTracer },
        { provide: APP_GUARD, useClass: AccessGuard },
        readiness,
      ],
      exports: [LOGGER, SERVICE_METRICS, API_KEY_RING, TRACER],
    };
  }
}
