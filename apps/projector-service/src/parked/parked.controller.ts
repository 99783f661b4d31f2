import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ParkedEvent } from '@ordersource/messaging';
import { Access, cursorSchema, problems, queryValidator, routeCursor, storeCursorOf } from '@ordersource/platform';

export const PARKED_EVENTS = Symbol('PARKED_EVENTS');

/**
 * The parked events of the projections this service runs, whatever holds them: the
 * `parked_events` table (embedded profile) or the dead-letter topic (distributed), through the
 * subscription port (`listParked`, `replayParked`), which both adapters implement.
 */
export interface ParkedEvents {
  readonly views: readonly string[];
  list(view: string): Promise<ParkedEvent[]>;
  /** Delivers the order's parked events again in version order; rejects (keeping them parked) if the handler still fails. */
  replay(view: string, orderId: string): Promise<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A parked event's id: `<orderId>.<version>` (an order's version is parked at most once per view). */
const ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([1-9]\d{0,8})$/;

const listQuery = queryValidator<{ limit: number; cursor?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: cursorSchema },
});

export const parkedIdOf = (parked: Pick<ParkedEvent, 'orderId' | 'version'>) => `${parked.orderId}.${parked.version}`;

/**
 * Parked events and their replay (issue 14, operations): staff list them, an admin replays
 * one. A replay delivers the event's whole order run again (the failed event and those parked
 * behind it: an order's events apply in version order, so a waiting event never replays alone),
 * then lets the order's later events flow.
 */
@ApiTags('parked')
@ApiBearerAuth()
@Controller('projections')
export class ParkedController {
  constructor(@Inject(PARKED_EVENTS) private readonly parked: ParkedEvents) {}

  @Get(':name/parked')
  @Access('operator', 'admin')
  @ApiOperation({ summary: "A projection's parked events, by order then version (cursor-paged): the error, attempts, and whether it only waits behind an earlier one" })
  @ApiParam({ name: 'name', description: 'projection name, as in GET /projections' })
  @ApiQuery({ name: 'limit', required: false, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async list(@Param('name') name: string, @Query() raw: unknown) {
    this.knownView(name);
    const query = listQuery(raw);
    // Signed and bound to the view's route: an edited, forged or other view's cursor is 400.
    const route = `GET /projections/${name}/parked`;
    const after = query.cursor === undefined ? undefined : keyOf(route, storeCursorOf(route, query.cursor) as string);
    const all = (await this.parked.list(name)).sort(byOrderThenVersion);
    const rest = after === undefined ? all : all.filter((parked) => byOrderThenVersion(parked, after) > 0);
    const items = rest.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(answer),
      nextCursor: rest.length > items.length && last ? routeCursor(route, parkedIdOf(last)) : null,
    };
  }

  @Post(':name/parked/:id/replay')
  @Access('admin')
  @HttpCode(200)
  @ApiOperation({ summary: "Replays a parked event with its order's later parked events, then lets the order flow again; 409 replay-failed keeps them parked" })
  @ApiParam({ name: 'name', description: 'projection name' })
  @ApiParam({ name: 'id', description: 'a parked event id, `<orderId>.<version>`, from the list' })
  async replay(@Param('name') name: string, @Param('id') id: string) {
    this.knownView(name);
    const match = ID.exec(id);
    if (!match) throw problems.invalidRequest([{ path: 'id', message: 'must be <orderId>.<version> of a parked event' }]);
    const [, orderId, version] = match;
    const run = (await this.parked.list(name)).filter((parked) => parked.orderId === orderId);
    if (!run.some((parked) => parked.version === Number(version))) throw problems.notFound('not-parked', `${name} holds no parked event ${id}.`);
    let replayed: number;
    try {
      replayed = await this.parked.replay(name, orderId);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (/not the active reader/.test(detail)) throw problems.unavailable('not-active-reader', `Another projector instance reads ${name} now; retry.`, 2);
      throw problems.conflict('replay-failed', `The replay failed again; the events stay parked: ${detail.slice(0, 500)}`);
    }
    const versions = run.map((parked) => parked.version).sort((a, b) => a - b);
    return { orderId, replayed, fromVersion: versions[0], throughVersion: versions[versions.length - 1] };
  }

  private knownView(name: string): void {
    if (!this.parked.views.includes(name)) throw problems.notFound('unknown-projection', `There is no projection named ${JSON.stringify(name).slice(0, 80)}.`);
  }
}

function keyOf(route: string, id: string): { orderId: string; version: number } {
  const match = ID.exec(id);
  if (!match || !UUID.test(match[1])) throw problems.invalidRequest([{ path: 'cursor', message: `is not a cursor of ${route}` }], 'The query cannot be served as asked.');
  return { orderId: match[1], version: Number(match[2]) };
}

function byOrderThenVersion(a: Pick<ParkedEvent, 'orderId' | 'version'>, b: Pick<ParkedEvent, 'orderId' | 'version'>): number {
  return a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.version - b.version;
}

function answer(parked: ParkedEvent) {
  return {
    id: parkedIdOf(parked),
    orderId: parked.orderId,
    version: parked.version,
    type: parked.event.type,
    position: parked.event.position,
    error: parked.error,
    attempts: parked.attempts,
    waiting: parked.waiting,
    parkedAt: parked.parkedAt,
  };
}
