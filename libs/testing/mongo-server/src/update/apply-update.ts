import type { Document } from 'bson';
import { aggregate } from 'mingo';
import { update as applyModifier, type Modifier } from 'mingo/updater';
import { asCommandError, MongoCommandError } from '../errors';
import { bsonTypeOf, copyMark } from '../storage/bson-numbers';
import { cloneDocument, renderValue, sameValue, setAtPath, valueAtPath, withIdFirst } from '../storage/documents';

/** The `u` of an update statement: operators, a replacement document, or a pipeline. */
export type UpdateDocument = Document | Document[];

export interface UpdateStatement {
  filter: Document;
  update: UpdateDocument;
  arrayFilters?: Document[];
}

/** The document `current` becomes; `current` itself is left untouched. */
export function updatedDocument(current: Document, statement: UpdateStatement): Document {
  // A replacement keeps nothing of `current` but its _id, so it needs no copy of it (the copy
  // was most of a replaceOne's cost here: issue 18's projection benchmark).
  const next = transform(isReplacement(statement.update) ? current : cloneDocument(current), statement, false);
  if (!sameValue(next._id, current._id)) {
    throw new MongoCommandError(
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return withIdFirst(next);
}

/** The document an upsert inserts: the filter's equality fields, then the update applied. */
export function upsertedDocument(statement: UpdateStatement): Document {
  const seed = equalityFields(statement.filter, {});
  const inserted = transform(cloneDocument(seed), statement, true);
  if (seed._id !== undefined && !sameValue(seed._id, inserted._id)) {
    throw new MongoCommandError(
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return withIdFirst(inserted);
}

export function isOperatorUpdate(update: UpdateDocument): boolean {
  return !Array.isArray(update) && Object.keys(update).some((key) => key.startsWith('$'));
}

function isReplacement(update: UpdateDocument): boolean {
  return !Array.isArray(update) && !isOperatorUpdate(update);
}

function transform(document: Document, statement: UpdateStatement, inserting: boolean): Document {
  const { update } = statement;
  try {
    if (Array.isArray(update)) return aggregate([document], update)[0] ?? document;
    if (!isOperatorUpdate(update)) return replacement(document, update);
    assertNoConflicts(update);
    const { $setOnInsert, ...operators } = update;
    if (inserting && $setOnInsert) operators.$set = { ...(operators.$set ?? {}), ...$setOnInsert };
    assertOperandTypes(document, operators);
    applyModifier(document, operators as Modifier<Document>, statement.arrayFilters ?? [], statement.filter, {
      cloneMode: 'deep',
    });
    keepSetNumberTypes(document, operators.$set as Document | undefined);
    return document;
  } catch (error) {
    throw asCommandError(error);
  }
}

function replacement(current: Document, replacementDocument: Document): Document {
  if (replacementDocument._id !== undefined && current._id !== undefined && !sameValue(replacementDocument._id, current._id)) {
    throw new MongoCommandError(
      'ImmutableField',
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${renderValue(replacementDocument._id)}`,
    );
  }
  return { _id: current._id, ...replacementDocument };
}

const NUMERIC_OPERATORS: Record<string, string> = { $inc: 'increment', $mul: 'multiply' };
const ARRAY_OPERATORS = ['$push', '$addToSet', '$pop', '$pull', '$pullAll'];

/**
 * mingo skips these silently; MongoDB rejects the whole statement (TypeMismatch for arithmetic on
 * a non-number, BadValue for array operators on a non-array). Paths with positional `$` parts
 * are left to mingo.
 */
function assertOperandTypes(document: Document, operators: Document): void {
  for (const [operator, verb] of Object.entries(NUMERIC_OPERATORS)) {
    for (const [path, argument] of Object.entries((operators[operator] as Document | undefined) ?? {})) {
      if (typeof argument !== 'number') {
        throw new MongoCommandError('TypeMismatch', `Cannot ${verb} with non-numeric argument: {${path}: ${renderValue(argument)}}`);
      }
      const value = path.includes('$') ? undefined : valueAtPath(document, path);
      if (value !== undefined && typeof value !== 'number') {
        throw new MongoCommandError(
          'TypeMismatch',
          `Cannot apply ${operator} to a value of non-numeric type. {_id: ${renderValue(document._id)}} has the field '${path.split('.').pop()}' of non-numeric type ${bsonTypeOf(value)}`,
        );
      }
    }
  }
  for (const operator of ARRAY_OPERATORS) {
    for (const path of Object.keys((operators[operator] as Document | undefined) ?? {})) {
      const value = path.includes('$') ? undefined : valueAtPath(document, path);
      if (value !== undefined && !Array.isArray(value)) {
        throw new MongoCommandError(
          'BadValue',
          `The field '${path}' must be an array but is of type ${bsonTypeOf(value)} in document {_id: ${renderValue(document._id)}}`,
        );
      }
    }
  }
}

/** The fields an upsert copies from its filter: plain equalities and `$eq`, also inside `$and`. */
function equalityFields(filter: Document, target: Document): Document {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) equalityFields(clause as Document, target);
    } else if (key.startsWith('$')) {
      continue;
    } else if (isOperatorExpression(value)) {
      if ('$eq' in (value as Document)) setAtPath(target, key, (value as Document).$eq);
    } else {
      setAtPath(target, key, value);
    }
  }
  return target;
}

function isOperatorExpression(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return false;
  if ((value as { _bsontype?: string })._bsontype) return false;
  return Object.keys(value).some((key) => key.startsWith('$'));
}

/** MongoDB refuses an update whose operators touch one path twice, or a path and its parent (40). */
function assertNoConflicts(update: Document): void {
  const seen: string[] = [];
  for (const [operator, operand] of Object.entries(update)) {
    if (!operator.startsWith('$') || typeof operand !== 'object' || operand === null) continue;
    const paths = operator === '$rename' ? Object.entries(operand).flatMap(([from, to]) => [from, String(to)]) : Object.keys(operand);
    for (const path of paths) {
      const clash = seen.find((other) => other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`));
      if (clash !== undefined) {
        throw new MongoCommandError('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${clash.length <= path.length ? clash : path}'`);
      }
      seen.push(path);
    }
  }
}

/** `$set: {n: Double(2)}` stores a double, as MongoDB does (mingo copies the bare number). */
function keepSetNumberTypes(document: Document, set: Document | undefined): void {
  for (const path of Object.keys(set ?? {})) {
    if (path.includes('$')) continue;
    const parent = path.includes('.') ? valueAtPath(document, path.slice(0, path.lastIndexOf('.'))) : document;
    copyMark(set, path, parent, path.slice(path.lastIndexOf('.') + 1));
  }
}
