/**
 * What changed between two versions of an order's tracking view, as a flat list of leaf
 * paths (`payment.captured`, `timeline[2].status`). Pure, so the order page and its spec agree.
 */
export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export function diffStates(before: unknown, after: unknown, path = ''): Change[] {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = Array.isArray(before)
      ? Array.from({ length: Math.max(before.length, (after as unknown as unknown[]).length) }, (_, i) => String(i))
      : [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => {
      const childPath = Array.isArray(before) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      const b = (before as Record<string, unknown>)[key];
      const a = (after as Record<string, unknown>)[key];
      if (b === undefined && a === undefined) return [];
      if (b === undefined) return leaves(a, childPath, 'added');
      if (a === undefined) return leaves(b, childPath, 'removed');
      return diffStates(b, a, childPath);
    });
  }
  if (before === undefined) return leaves(after, path, 'added');
  if (after === undefined) return leaves(before, path, 'removed');
  return sameValue(before, after) ? [] : [{ path, kind: 'changed', before, after }];
}

function leaves(value: unknown, path: string, kind: 'added' | 'removed'): Change[] {
  if (isContainer(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([key, child]) => leaves(child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key, kind));
  }
  return [kind === 'added' ? { path, kind, after: value } : { path, kind, before: value }];
}

function isContainer(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
