import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, bodyValidator, problems } from '@ordersource/platform';
import { RebuildConflictError, type RebuildProgress, type Rebuilder } from '@ordersource/read-models';

export const REBUILDER = Symbol('REBUILDER');

const rebuildBody = bodyValidator<{ verifyOnly?: boolean }>({
  type: 'object',
  additionalProperties: false,
  properties: { verifyOnly: { type: 'boolean' } },
});

/**
 * API.md's rebuild routes (issue 7): a rebuild runs in the background beside the live view;
 * POST answers as soon as it holds the view's cluster-wide lock, GET reports its progress.
 */
@ApiTags('rebuild')
@ApiBearerAuth()
@Controller('projections')
export class RebuildController {
  constructor(@Inject(REBUILDER) private readonly rebuilder: Rebuilder) {}

  @Post(':name/rebuild')
  @Access('admin')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild a view from the log beside the live one, diff it, then swap it in (or only verify)' })
  @ApiBody({ required: false, schema: { type: 'object', properties: { verifyOnly: { type: 'boolean' } }, additionalProperties: false } })
  async start(@Param('name') name: string, @Body() body: unknown): Promise<{ rebuildId: string }> {
    this.knownView(name);
    const { verifyOnly } = rebuildBody(body);
    try {
      const started = await this.rebuilder.start(name, { verifyOnly });
      return { rebuildId: started.rebuildId };
    } catch (error) {
      if (error instanceof RebuildConflictError) throw problems.conflict('rebuild-running', `A rebuild of ${name} is already running.`);
      throw error;
    }
  }

  @Get(':name/rebuild')
  @Access('admin')
  @ApiOperation({ summary: "The latest rebuild's progress: processed, total, events/s, ETA, and its diff once verified" })
  async progress(@Param('name') name: string) {
    this.knownView(name);
    const progress = await this.rebuilder.status(name);
    if (!progress) throw problems.notFound('no-rebuild', `${name} has not been rebuilt yet.`);
    return answer(progress);
  }

  private knownView(name: string): void {
    if (!this.rebuilder.views.includes(name)) throw problems.notFound('unknown-projection', `There is no projection named ${JSON.stringify(name).slice(0, 80)}.`);
  }
}

function answer(progress: RebuildProgress) {
  return {
    rebuildId: progress.rebuildId,
    status: progress.status,
    processed: progress.processed,
    total: progress.total,
    eventsPerSecond: progress.eventsPerSecond,
    etaSeconds: progress.etaSeconds,
    ...(progress.differences !== undefined ? { differences: progress.differences, differingIds: progress.differingIds ?? [] } : {}),
  };
}


