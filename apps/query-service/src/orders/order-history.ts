import { Inject, Injectable } from '@nestjs/common';
import { JsonObject } from '@ordersource/event-store';
import { AUDIT_EVENTS, AuditEventDocument, ViewReader, orderStateAt, revertOf } from '@ordersource/read-models';
import { Principal, problems, queryValidator } from '@ordersource/platform';
import { FastifyRequest } from 'fastify';
import { OPENER, PersonalDataOpener, VIEW_READER } from '../ports';
import { ReadAccess, notFound } from '../read-access';

const stateQuery = queryValidator<{ asOfVersion?: number; asOf?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { asOfVersion: { type: 'integer', minimum: 1, maximum: 1_000_000_000 }, asOf: { type: 'string', format: 'date-time', maxLength: 40 } },
});

const PAGE = 1000;

/** Voided version -> the version of the first OrderReverted that voided it (API.md "Corrections"). */
function voidingRevisions(events: readonly AuditEventDocument[]): Map<number, number> {
  const voidedBy = new Map<number, number>();
  for (const event of [...events].sort((a, b) => a.version - b.version)) {
    for (const voided of revertOf(event)?.voidedVersions ?? []) if (!voidedBy.has(voided)) voidedBy.set(voided, event.version);
  }
  return voidedBy;
}

/** History and time travel read the audit view: one document per event, in version order. */
@Injectable()
export class OrderHistory {
  constructor(
    @Inject(VIEW_READER) private readonly store: ViewReader,
    @Inject(OPENER) private readonly opener: PersonalDataOpener,
    private readonly access: ReadAccess,
  ) {}

  async history(orderId: string, request: FastifyRequest, principal: Principal) {
    const events = await this.auditEvents(orderId, request, principal);
    const opened = await this.opener.openEvents(events);
    const voidedBy = voidingRevisions(events);
    return opened.map(({ position, version, type, occurredAt, recordedAt, actor, correlationId, data }) => ({
      position,
      version,
      type,
      occurredAt,
      recordedAt,
      actor,
      correlationId,
      data,
      ...(voidedBy.has(version) ? { voidedBy: voidedBy.get(version) } : {}),
    }));
  }

  /** Folds the events recorded up to the moment asked through the order-tracking projection itself. */
  async stateAt(orderId: string, rawQuery: unknown, request: FastifyRequest, principal: Principal): Promise<JsonObject> {
    const query = stateQuery(rawQuery);
    if ((query.asOfVersion === undefined) === (query.asOf === undefined)) {
      throw problems.invalidRequest([{ path: 'asOf', message: 'give exactly one of asOf and asOfVersion' }]);
    }
    const events = await this.auditEvents(orderId, request, principal);
    const asOf = query.asOf ? new Date(query.asOf).toISOString() : undefined;
    const past = events.filter((event) => (query.asOfVersion !== undefined ? event.version <= query.asOfVersion : event.recordedAt <= (asOf as string)));
    const state = orderStateAt(past);
    if (!state) throw problems.notFound('order-not-found', `Order ${orderId} did not exist at that point.`);
    return state as unknown as JsonObject;
  }

  private async auditEvents(orderId: string, request: FastifyRequest, principal: Principal): Promise<AuditEventDocument[]> {
    await this.access.head('audit', orderId, request);
    const events: AuditEventDocument[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.findPage({
        view: 'audit',
        collection: AUDIT_EVENTS,
        where: [{ field: 'orderId', op: 'eq', value: orderId }],
        sortBy: 'version',
        direction: 'asc',
        limit: PAGE,
        cursor,
      });
      events.push(...(page.items as unknown as AuditEventDocument[]));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (events.length === 0) throw notFound(orderId);
    await this.access.assertVisible('audit', orderId, principal, request);
    return events;
  }
}
