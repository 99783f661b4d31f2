import { orderCommandTypes } from '../commands';
import { foldOrder } from '../decider';
import { decide } from '../decide';
import { DomainError, domainRules } from '../errors';
import { allowedCommands, lifecycleCell, orderLifecycle, type LifecycleStatus } from '../lifecycle';
import { orderStatuses } from '../state';
import { aValidCommand, historyIn } from './support/order-fixtures';

// The table is what the HTTP suites iterate; these specs hold decide to it, cell by cell.
const columns: LifecycleStatus[] = [null, ...orderStatuses];
const cells = orderCommandTypes.flatMap((command) => columns.map((status) => [command, status] as const));
const historyOf = (status: LifecycleStatus) => (status === null ? [] : historyIn[status]());

describe('the order lifecycle table', () => {
  it('has a cell for every command in every status and before placing', () => {
    expect(cells).toHaveLength(10 * 9);
    for (const [command, status] of cells) expect(lifecycleCell(command, status)).toBeDefined();
  });

  it.each(cells)('decides %s in %s as the table says', (command, status) => {
    const state = foldOrder(historyOf(status));
    const cell = lifecycleCell(command, status);
    if (cell.allowed) {
      const after = foldOrder(decide(aValidCommand[command](), state), state);
      expect(cell.resultingStatuses).toContain(after.status);
    } else {
      expect(() => decide(aValidCommand[command](), state)).toThrow(
        expect.objectContaining({ rule: cell.rule, kind: domainRules[cell.rule] }),
      );
    }
  });

  it('answers 404 only before placing and 409 for every other refused cell', () => {
    for (const [command, status] of cells) {
      const cell = lifecycleCell(command, status);
      if (cell.allowed) continue;
      expect(domainRules[cell.rule]).toBe(status === null ? 'not-found' : 'conflict');
    }
  });

  it('allows exactly the cells API.md lists', () => {
    expect(allowedCommands(null)).toEqual(['PlaceOrder']);
    expect(allowedCommands('PLACED')).toEqual(['AuthorizePayment', 'FailPayment', 'CancelOrder', 'CancelUnpaidOrder']);
    expect(allowedCommands('PAYMENT_FAILED')).toEqual(['AuthorizePayment', 'FailPayment', 'CancelOrder', 'CancelUnpaidOrder']);
    expect(allowedCommands('PAYMENT_AUTHORIZED')).toEqual(['CapturePayment', 'CancelOrder']);
    expect(allowedCommands('PAID')).toEqual(['DispatchShipment', 'CancelOrder', 'RefundPayment']);
    expect(allowedCommands('SHIPPED')).toEqual(['RecordCheckpoint', 'DeliverOrder', 'RefundPayment']);
    expect(allowedCommands('DELIVERED')).toEqual(['RefundPayment']);
    expect(allowedCommands('CANCELLED')).toEqual([]);
    expect(allowedCommands('REFUNDED')).toEqual([]);
  });

  it('lists the statuses a refund may end in', () => {
    expect(orderLifecycle.RefundPayment.PAID).toEqual({ allowed: true, resultingStatuses: ['PAID', 'REFUNDED'] });
    expect(orderLifecycle.RefundPayment.SHIPPED).toEqual({ allowed: true, resultingStatuses: ['SHIPPED'] });
    expect(orderLifecycle.RefundPayment.DELIVERED).toEqual({
      allowed: true,
      resultingStatuses: ['DELIVERED', 'REFUNDED'],
    });
  });

  it('says in the error message what was attempted and why it was refused', () => {
    const state = foldOrder(historyIn.PLACED());
    expect(() => decide(aValidCommand.DispatchShipment(), state)).toThrow(
      new DomainError('order-not-paid', 'Cannot ship the order: the order is not paid (status PLACED).'),
    );
  });
});
