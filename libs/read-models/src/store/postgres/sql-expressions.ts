/**
 * SQL for conditions and keyset order over the jsonb `doc` column. Values are always bound
 * parameters (a caller's `{"$gt": ""}` is a jsonb literal compared with `=`); field paths come
 * from the view definitions only (checked by query.ts) and are quoted as literals anyway.
 */
import { fieldKind } from '../query';
import type { CollectionDefinition, Condition } from '../read-store.port';

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function pathLiteral(field: string): string {
  const steps = field.split('.').map((step) => `"${step.replace(/["\\]/g, (c) => `\\${c}`)}"`);
  return `'{${steps.join(',').replace(/'/g, "''")}}'`;
}

/** The field as jsonb: equality and numeric order (jsonb compares numbers numerically). */
export function valueExpression(field: string): string {
  return `doc #> ${pathLiteral(field)}`;
}

/** Strings compare bytewise (COLLATE "C"), like MongoDB and the memory store; numbers as jsonb. */
export function sortExpression(collection: CollectionDefinition, field: string): string {
  return fieldKind(collection, field) === 'string' ? `(doc #>> ${pathLiteral(field)}) COLLATE "C"` : valueExpression(field);
}

export function sortParameter(collection: CollectionDefinition, field: string, value: string | number): string {
  return fieldKind(collection, field) === 'string' ? String(value) : JSON.stringify(value);
}

export function sortCast(collection: CollectionDefinition, field: string): string {
  return fieldKind(collection, field) === 'string' ? 'text' : 'jsonb';
}

const rangeOperators = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** WHERE clauses for the conditions; parameters are appended to `parameters`. */
export function conditionsSql(collection: CollectionDefinition, where: readonly Condition[], parameters: unknown[]): string[] {
  return where.map((condition) => {
    if (condition.op === 'eq') {
      parameters.push(JSON.stringify(condition.value));
      return `(${valueExpression(condition.field)}) = $${parameters.length}::jsonb`;
    }
    if (condition.op === 'in') {
      parameters.push(JSON.stringify(condition.values));
      return `(${valueExpression(condition.field)}) IN (SELECT value FROM jsonb_array_elements($${parameters.length}::jsonb))`;
    }
    parameters.push(sortParameter(collection, condition.field, condition.value));
    return `(${sortExpression(collection, condition.field)}) ${rangeOperators[condition.op]} $${parameters.length}::${sortCast(collection, condition.field)}`;
  });
}
