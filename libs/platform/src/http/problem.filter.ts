import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'pino';
import { isDependencyFailure } from './dependency-failure';
import { PROBLEM_CONTENT_TYPE, ProblemError, problems } from './problem';

/**
 * The one place errors become HTTP answers. Domain errors are mapped by each service into
 * ProblemError before they get here; anything unknown is a logged 500 without details.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    void sendProblem(http.getResponse<FastifyReply>(), toProblem(error, this.logger, http.getRequest<FastifyRequest>()));
  }
}

export function sendProblem(reply: FastifyReply, problem: ProblemError): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  return reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem.toBody());
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Maps Nest, Fastify and unknown errors to problems; body-parsing errors are the client's. */
export function toProblem(error: unknown, logger: Logger, request?: FastifyRequest): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof HttpException) {
    // Nest re-wraps Fastify's body-parsing errors (bad JSON, prototype poisoning, size, type).
    const status = error.getStatus();
    if (status === 400) return problems.malformedJson(`The body is not acceptable JSON: ${error.message}`);
    if (status === 404) return problems.notFound('route-not-found', 'No such route.');
    if (status === 413) return problems.payloadTooLarge(1024 * 1024);
    if (status === 415) return problems.unsupportedMediaType();
    if (status < 500) return new ProblemError(status, 'http-error', error.message, error.message);
  }
  const fastify = error as FastifyLikeError;
  if (fastify && typeof fastify === 'object') {
    if (fastify.statusCode === 413 || fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problems.payloadTooLarge(1024 * 1024);
    if (fastify.statusCode === 415 || fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return problems.unsupportedMediaType();
    if (error instanceof SyntaxError || fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /prototype property/.test(fastify.message ?? '')) {
      return problems.malformedJson(error instanceof SyntaxError ? `The body is not valid JSON: ${error.message}` : 'The body is not acceptable JSON.');
    }
    if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
      return new ProblemError(fastify.statusCode, 'bad-request', 'Bad request', fastify.message ?? 'Bad request');
    }
  }
  if (isDependencyFailure(error)) {
    logger.warn({ err: error, url: request?.url, method: request?.method }, 'a dependency is unavailable');
    return problems.unavailable('dependency-unavailable', 'A store or broker this service needs is unavailable; retry shortly.', 2);
  }
  logger.error({ err: error, url: request?.url, method: request?.method }, 'unhandled error');
  return problems.internal();
}
