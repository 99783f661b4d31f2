/**
 * The ReadStore port's contract suite, written once and run against every adapter (STYLE.md:
 * one contract per port). An adapter's spec opens its store in beforeAll (after ensureViews)
 * and calls `readStoreContract(() => store)` inside its describe block. Tests share the store,
 * so each scopes its documents by fresh ids; the shadow tests keep to the shipping view.
 */
import { guardContract } from './contract/guard.contract';
import { planningContract } from './contract/planning.contract';
import { queryContract } from './contract/query.contract';
import { shadowContract } from './contract/shadow.contract';
import type { ReadStoreSubject } from './contract/fixtures';

export type { ReadStoreSubject } from './contract/fixtures';

/** `twin`: a second instance of the adapter over the same data (default: the same instance). */
export function readStoreContract(store: ReadStoreSubject, twin: ReadStoreSubject = store): void {
  describe('version guard', () => guardContract(store));
  describe('planning heads', () => planningContract(store, twin));
  describe('queries', () => queryContract(store));
  describe('shadow generations', () => shadowContract(store));
}
