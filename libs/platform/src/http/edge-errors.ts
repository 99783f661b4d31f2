import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, ProblemError, problems } from './problem';
import { sendProblem } from './problem.filter';

/**
 * Errors the HTTP layer produces before a route runs (API.md "v1 clarifications": bad URL
 * encoding, 414, 431, bad framing, header limits, timeouts) answer RFC 9457 problem JSON like
 * every other error (issue 17: Fastify answered its own JSON shape, and after a 431 dropped the
 * socket without `Connection: close`).
 */

/** Node's parser errors (llhttp `HPE_*`) and its request/headers timeouts, to a problem. */
export function clientErrorProblem(error: NodeJS.ErrnoException): ProblemError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    return new ProblemError(408, 'request-timeout', 'Request timeout', 'The request did not arrive in time; the connection is closed.');
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return new ProblemError(431, 'headers-too-large', 'Request header fields too large', 'The request line and headers are larger than the server accepts.');
  }
  return new ProblemError(400, 'bad-request-framing', 'Bad request', 'The request is not valid HTTP/1.1 (its framing, line or headers could not be parsed).');
}

/** Fastify's `clientErrorHandler`: the answer is written on the socket, which is then closed. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one to answer (Node's own handler does the same).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const problem = clientErrorProblem(error);
  const body = JSON.stringify(problem.toBody());
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A client that keeps sending after the answer does not keep the socket.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Fastify's `frameworkErrors`: a path that does not decode, or a parameter over the length limit. */
export function answerFrameworkError(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendProblem(reply, problems.invalidRequest([{ path: '(url)', message: 'is not valid percent-encoding' }], 'The URL could not be decoded.'));
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendProblem(reply, new ProblemError(414, 'uri-too-long', 'URI too long', 'A path segment of the URL is longer than the server accepts.'));
  }
  return sendProblem(reply, problems.internal());
}
