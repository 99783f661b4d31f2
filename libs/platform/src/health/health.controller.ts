import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Access } from '../auth/access.guard';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, problems } from '../http/problem';
import { sendProblem } from '../http/problem.filter';
import { SERVICE_METRICS } from '../platform.tokens';
import { ServiceMetrics } from '../metrics/metrics';

/** A dependency the service needs to answer: its store, its broker. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('ReadinessChecks');
const CHECK_TIMEOUT_MS = 2000;

@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(
    @Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics,
    @Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = [],
  ) {}

  @Get('health/live')
  @Access('open')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiResponse({ status: 200, description: '`{status: "ok"}`' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Access('open')
  @ApiOperation({ summary: 'Readiness: every store and broker this service needs answers' })
  @ApiResponse({ status: 200, description: '`{status: "ok", checks: [{name, status}]}`' })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return { name, status: 'ok' as const };
        } catch (error) {
          return { name, status: 'down' as const, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const down = results.filter((r) => r.status === 'down');
    if (down.length === 0) {
      await reply.status(200).send({ status: 'ok', checks: results });
      return;
    }
    await reply
      .status(503)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .header('retry-after', '1')
      .send({
        type: `${PROBLEM_TYPE_BASE}dependency-down`,
        title: 'Service unavailable',
        status: 503,
        detail: `Not ready: ${down.map((d) => d.name).join(', ')} down`,
        checks: results,
      });
  }

  @Get('metrics')
  @Access('open')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format; with COMMAND_WORKERS, every worker summed' })
  @ApiResponse({ status: 503, description: 'A worker could not gather the other workers\' metrics (problem JSON)' })
  async prometheus(@Res() reply: FastifyReply): Promise<void> {
    let text: string;
    try {
      text = await this.metrics.scrape();
    } catch (error) {
      await sendProblem(reply, problems.unavailable('metrics-unavailable', (error as Error).message));
      return;
    }
    await reply.header('content-type', this.metrics.registry.contentType).send(text);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}
