import type { Document } from 'bson';

/** The server error codes this double returns; names match MongoDB's `codeName`. */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  ConflictingUpdateOperators: 40,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  NotImplemented: 238,
  DuplicateKey: 11000,
  UnrecognizedPipelineStage: 40324,
} as const;

export type CodeName = keyof typeof ErrorCodes;

/**
 * A command failure in MongoDB's shape. The driver turns `{ok: 0, errmsg, code, codeName}` into a
 * `MongoServerError` carrying the same fields, so suites can assert on `code` as against a real server.
 */
export class MongoCommandError extends Error {
  readonly code: number;

  constructor(
    readonly codeName: CodeName,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
    this.code = ErrorCodes[codeName];
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The entry a write command puts in `writeErrors` for the operation at `index`. */
  toWriteError(index: number): Document {
    return { index, code: this.code, codeName: this.codeName, errmsg: this.message, ...this.extra };
  }
}

/**
 * mingo reports bad queries, updates and pipelines as plain errors; MongoDB gives them codes.
 * The message patterns are mingo 7's (core/_internal assert calls and operator registries).
 */
export function asCommandError(error: unknown): MongoCommandError {
  if (error instanceof MongoCommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/^unknown query operator/i.test(message)) return new MongoCommandError('BadValue', message);
  if (/^Unknown update operator/.test(message)) {
    return new MongoCommandError('FailedToParse', `Unknown modifier: ${message.replace(/^.*'(.*)'.*$/, '$1')}`);
  }
  if (/immutable field/.test(message)) return new MongoCommandError('ImmutableField', message);
  if (/pipeline operator/.test(message)) return new MongoCommandError('UnrecognizedPipelineStage', message);
  if (/not registered|unregistered/.test(message)) return new MongoCommandError('BadValue', message);
  return new MongoCommandError('InternalError', message);
}
