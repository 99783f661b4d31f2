/**
 * The EventStore port's contract suite, written once and run against every adapter (STYLE.md:
 * one contract per port, after Marten's compliance suite). An adapter's spec calls
 * `eventStoreContract(open)` inside its own describe block.
 */
import { appendContract } from './contract/append.contract';
import { concurrencyContract } from './contract/concurrency.contract';
import type { OpenContractSubject } from './contract/fixtures';
import { idempotencyContract } from './contract/idempotency.contract';
import { inputContract } from './contract/input.contract';
import { readContract } from './contract/read.contract';

export type { ContractSubject, OpenContractSubject } from './contract/fixtures';

export function eventStoreContract(open: OpenContractSubject): void {
  describe('appending', () => appendContract(open));
  describe('rejecting bad input', () => inputContract(open));
  describe('concurrent writers', () => concurrencyContract(open));
  describe('idempotency', () => idempotencyContract(open));
  describe('reading', () => readContract(open));
}
