import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  CorrectReadingDto,
  GapListDto,
  GapsQueryDto,
  ManualReadingDto,
  MeterDataSettingsDto,
  RevalidateDto,
  RevalidateStartedDto,
  RevisedReadingDto,
  RevisionListDto,
  SaveSettingsDto,
} from './meter-data.dto';
import { ReadingTimePipe } from './reading-time.pipe';
import { MeterDataService } from './meter-data.service';

/**
 * Meter data management (issue 17): validation settings of a tenant, operators' readings and
 * corrections with their history, and revalidation runs.
 */
@ApiTags('meter data')
@Controller()
export class MeterDataController {
  constructor(private readonly meterData: MeterDataService) {}

  @Access('TENANTS', 'read')
  @Get('tenants/:id/meter-data-settings')
  @ApiOkResponse({
    type: MeterDataSettingsDto,
    description: 'defaults, the values in force, and the rows of this tenant (own and per subscription group)',
  })
  settings(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.meterData.settings(access, id);
  }

  @Access('TENANTS', 'update')
  @Put('tenants/:id/meter-data-settings')
  @ApiOkResponse({ type: MeterDataSettingsDto })
  saveSettings(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: SaveSettingsDto) {
    return this.meterData.saveSettings(access, id, body);
  }

  @Access('LIVE_READINGS', 'create')
  @Post('meters/:id/readings')
  @ApiCreatedResponse({ type: RevisedReadingDto, description: 'a manual reading (field visit), stored EDITED with its reason' })
  enter(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: ManualReadingDto) {
    return this.meterData.enter(access, id, body);
  }

  @Access('LIVE_READINGS', 'update')
  @Patch('meters/:id/readings/:time')
  @ApiOkResponse({ type: RevisedReadingDto, description: 'corrects the index; the values before stay in the history' })
  correct(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('time', ReadingTimePipe) time: Date,
    @Body() body: CorrectReadingDto,
  ) {
    return this.meterData.correct(access, id, time, body);
  }

  @Access('METERS', 'read')
  @Get('meters/:id/readings/:time/revisions')
  @ApiOkResponse({ type: RevisionListDto, description: 'who changed the reading, when, why, before and after; oldest first' })
  revisions(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Param('time', ReadingTimePipe) time: Date) {
    return this.meterData.revisions(access, id, time);
  }

  @Access('METERS', 'read')
  @Get('reading-revisions/:id/photo')
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOkResponse({ description: 'the photo attached to a revision' })
  async photo(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Res() reply: FastifyReply) {
    const p = await this.meterData.photo(access, id);
    return reply.header('content-type', p.contentType).header('content-disposition', 'inline').send(p.bytes);
  }

  @Access('METERS', 'read')
  @Get('meters/:id/gaps')
  @ApiOkResponse({ type: GapListDto, description: 'missing expected intervals between real readings (the gap rule)' })
  gaps(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Query() query: GapsQueryDto) {
    return this.meterData.gaps(access, id, query);
  }

  @Access('LIVE_READINGS', 'update')
  @Post('meters/:id/revalidate')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RevalidateStartedDto, description: 'validation (and estimation) of the range runs as a job' })
  revalidate(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: RevalidateDto) {
    return this.meterData.revalidate(access, id, body);
  }
}
