import { Readable } from 'node:stream';
import { Controller, HttpCode, Inject, OnModuleInit, Post, Req } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ImportTooLargeError, OrderImporter } from '@ordersource/order-import';
import { Access, actorOf, ProblemError, principalOf, problems, requestContext } from '@ordersource/platform';
import { FastifyInstance, FastifyRequest } from 'fastify';

export const ORDER_IMPORTER = Symbol('OrderImporter');
export const NDJSON = 'application/x-ndjson';
/** API.md "Import of historical orders": up to 100 MiB per request. */
export const IMPORT_BODY_LIMIT = 100 * 1024 * 1024;
const ROUTE = '/admin/imports';

/**
 * `POST /admin/imports` (issue 12): the NDJSON body is streamed into the importer as it
 * arrives, never buffered, so a 100 MiB import costs the service no more memory than a small
 * one. The request's correlation id is the run's: every imported event carries it, so a bad
 * import can be reverted by it. The request id is the import id (and each event's causation).
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/imports')
export class ImportsController implements OnModuleInit {
  constructor(
    @Inject(ORDER_IMPORTER) private readonly importer: OrderImporter,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Only this route takes NDJSON, as the raw stream; every other route keeps answering 415.
    fastify.addContentTypeParser(NDJSON, (request, payload, done) => {
      if (request.routeOptions.url !== ROUTE) return done(problems.unsupportedMediaType(), undefined);
      const length = Number(request.headers['content-length']);
      if (length > IMPORT_BODY_LIMIT) return done(problems.payloadTooLarge(IMPORT_BODY_LIMIT), undefined);
      return done(null, payload);
    });
  }

  @Post()
  @HttpCode(200)
  @Access('admin')
  @ApiConsumes(NDJSON)
  @ApiOperation({
    summary: 'Import historical orders (NDJSON, one order per line, up to 100 MiB): each through the decider, idempotent per order',
  })
  async create(@Req() request: FastifyRequest) {
    if (!(request.body instanceof Readable)) {
      throw new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', `Send the orders as \`Content-Type: ${NDJSON}\`, one JSON order per line.`);
    }
    const context = requestContext(request);
    try {
      return await this.importer.run(request.body, { subject: actorOf(principalOf(request)), importId: context.requestId, correlationId: context.correlationId }, IMPORT_BODY_LIMIT);
    } catch (error) {
      if (error instanceof ImportTooLargeError) throw problems.payloadTooLarge(IMPORT_BODY_LIMIT);
      throw error;
    }
  }
}
