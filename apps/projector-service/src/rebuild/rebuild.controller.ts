import { Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ProblemError } from '@ordersource/platform';

/** API.md's rebuild routes; the rebuild itself is issue 7. Until it lands they say so plainly. */
@ApiTags('rebuild')
@ApiBearerAuth()
@Controller('projections')
export class RebuildController {
  @Post(':name/rebuild')
  @Access('admin')
  @ApiOperation({ summary: 'Rebuild a view beside the live one, diff, then swap (not available yet)' })
  start(@Param('name') name: string): never {
    throw notImplemented(name);
  }

  @Get(':name/rebuild')
  @Access('admin')
  @ApiOperation({ summary: "A rebuild's progress (not available yet)" })
  progress(@Param('name') name: string): never {
    throw notImplemented(name);
  }
}

function notImplemented(name: string): ProblemError {
  return new ProblemError(501, 'rebuild-not-available', 'Not implemented', `Rebuilding ${name} is not available in this version.`);
}
