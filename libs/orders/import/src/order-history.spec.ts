import { foldOrder } from '@ordersource/domain';
import { LineRejection, parseImportLine } from './import-line';
import { ndjsonLines } from './ndjson-lines';
import { decideHistory } from './order-history';
import { deliveredOrderLine } from './testing/import-lines';

const context = { orderId: '7b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', actor: 'import:admin', correlationId: 'corr-1', importId: 'imp-1', now: new Date('2026-06-01T00:00:00.000Z'), orderNumber: 'OS-2026-000007' };

function rejectionOf(action: () => unknown): { rule: string; detail: string } {
  try {
    action();
  } catch (error) {
    if (error instanceof LineRejection) return { rule: error.rule, detail: error.detail };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('an imported order history', () => {
  it('goes through the decider with each step at its own time, late scans keeping their scan time', () => {
    const line = parseImportLine(JSON.stringify(deliveredOrderLine()));
    const events = decideHistory(line, context);
    expect(events.map((event) => event.type)).toEqual([
      'OrderPlaced',
      'PaymentAuthorized',
      'PaymentCaptured',
      'ShipmentDispatched',
      'ShipmentCheckpointRecorded',
      'ShipmentCheckpointRecorded',
      'OrderDelivered',
    ]);
    expect(events[0].occurredAt).toBe('2026-03-02T09:15:00.000Z');
    expect(events[4].occurredAt).toBe('2026-03-02T20:55:00.000Z');
    expect(events[5].occurredAt).toBe('2026-03-02T20:05:00.000Z');
    expect(foldOrder(events)).toMatchObject({ status: 'DELIVERED', captured: 3998, orderId: context.orderId });
  });

  it('is rejected with the decider rule when a step is illegal in the state it reaches', () => {
    const line = deliveredOrderLine();
    const shipUnpaid = { ...line, steps: [line.steps[2]] };
    expect(rejectionOf(() => decideHistory(parseImportLine(JSON.stringify(shipUnpaid)), context))).toEqual({
      rule: 'order-not-paid',
      detail: expect.stringMatching(/^steps\[0\] \(DispatchShipment\)/),
    });
    const wrongAmount = { ...line, steps: [{ command: 'authorize', at: line.steps[0].at, amount: 1, method: 'card' }] };
    expect(rejectionOf(() => decideHistory(parseImportLine(JSON.stringify(wrongAmount)), context)).rule).toBe('amount-mismatch');
  });

  it('is rejected when a step lies in the future or before the step before it', () => {
    const line = deliveredOrderLine();
    const future = { ...line, steps: [{ ...line.steps[0], at: '2026-06-02T00:00:00.000Z' }] };
    expect(rejectionOf(() => decideHistory(parseImportLine(JSON.stringify(future)), context)).rule).toBe('occurred-at-in-future');
    const backwards = { ...line, steps: [{ ...line.steps[0], at: '2026-03-01T00:00:00.000Z' }] };
    expect(rejectionOf(() => decideHistory(parseImportLine(JSON.stringify(backwards)), context)).rule).toBe('step-out-of-order');
  });

  it('names the field at fault when a line does not match the schema, or is not JSON', () => {
    const line = deliveredOrderLine();
    const badStep = { ...line, steps: [{ command: 'ship', at: line.steps[0].at, carrier: 'DHL' }] };
    expect(rejectionOf(() => parseImportLine(JSON.stringify(badStep)))).toEqual({ rule: 'invalid-request', detail: expect.stringContaining('steps[0].trackingNumber') });
    expect(rejectionOf(() => parseImportLine(JSON.stringify({ ...line, colour: 'red' }))).detail).toContain('colour: is not a known field');
    expect(rejectionOf(() => parseImportLine(JSON.stringify({ ...line, steps: [{ command: 'teleport', at: line.placedAt }] }))).rule).toBe('invalid-request');
    expect(rejectionOf(() => parseImportLine('{"customerId": '))).toMatchObject({ rule: 'malformed-json' });
  });

  it("checks each step against its own command's fields only, naming the step by its index", () => {
    const line = deliveredOrderLine();
    const [authorize, capture] = line.steps;
    const steps = [authorize, { ...capture, amount: 5 }, { command: 'cancel', at: 'yesterday' }];
    expect(rejectionOf(() => parseImportLine(JSON.stringify({ ...line, steps })))).toEqual({
      rule: 'invalid-request',
      detail: 'steps[1].amount: is not a known field; steps[2].reason: is required; steps[2].at: must match format "date-time"',
    });
    expect(rejectionOf(() => parseImportLine(JSON.stringify({ ...line, steps: [{ command: 'teleport', at: line.placedAt }] }))).detail).toContain('steps[0].command: must be equal to one of the allowed values');
  });
});

describe('NDJSON lines', () => {
  async function* chunks(...parts: (string | Buffer)[]) {
    for (const part of parts) yield Buffer.from(part);
  }

  it('are split across chunk boundaries, multi-byte characters included, numbering blank lines too', async () => {
    const lines = [];
    for await (const line of ndjsonLines(chunks('{"a":"Gr', Buffer.from('ü').subarray(0, 1), Buffer.concat([Buffer.from('ü').subarray(1), Buffer.from('"}\n\n')]), '{"b":2}\r\n{"c"', ':3}'))) lines.push(line);
    expect(lines.map(({ number, text }) => ({ number, text }))).toEqual([
      { number: 1, text: '{"a":"Grü"}' },
      { number: 3, text: '{"b":2}' },
      { number: 4, text: '{"c":3}' },
    ]);
  });

  it('stop with an error once the input exceeds the limit', async () => {
    const read = async () => {
      for await (const _line of ndjsonLines(chunks('{"a":1}\n', '{"b":2}\n'), 10)) void _line;
    };
    await expect(read()).rejects.toThrow(/larger than 10 bytes/);
  });
});
