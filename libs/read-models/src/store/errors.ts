/** A query the store cannot serve as asked: unknown field, wrongly typed bound, bad cursor. */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';
}

/** A view or generation that does not exist, or a swap/rollback/drop that is not allowed. */
export class ViewGenerationError extends Error {
  override readonly name = 'ViewGenerationError';
}
