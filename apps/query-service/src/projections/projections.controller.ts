import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '@ordersource/platform';
import { PROJECTION_STATUS, ProjectionStatusSource } from '../ports';
import { noQuery } from '../query-schemas';

@ApiTags('projections')
@ApiBearerAuth()
@Controller('projections')
export class ProjectionsController {
  constructor(@Inject(PROJECTION_STATUS) private readonly status: ProjectionStatusSource) {}

  @Get()
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Each view: version, status (live, rebuilding, stalled), lag and any rebuild' })
  async list(@Query() raw: unknown) {
    noQuery(raw);
    return { items: await this.status.list() };
  }
}
