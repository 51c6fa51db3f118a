import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { AlarmCountsDto, AlarmCountsQueryDto, AlarmPageDto, AlarmRowDto, ListAlarmsQueryDto } from './alarms.dto';
import { AlarmsService } from './alarms.service';

@ApiTags('alarms')
@Controller('alarms')
export class AlarmsController {
  constructor(private readonly alarms: AlarmsService) {}

  @Access('DASHBOARD', 'read')
  @Get()
  @ApiOkResponse({ type: AlarmPageDto, description: 'newest first by default, 30 per page' })
  list(@Auth() access: AccessContext, @Query() query: ListAlarmsQueryDto) {
    return this.alarms.list(access, query);
  }

  @Access('DASHBOARD', 'read')
  @Get('counts')
  @ApiOkResponse({ type: AlarmCountsDto, description: 'open alarms per type over the scope' })
  counts(@Auth() access: AccessContext, @Query() query: AlarmCountsQueryDto) {
    return this.alarms.counts(access, query.tenantId);
  }

  @Access('DASHBOARD', 'read')
  @Get(':id')
  @ApiOkResponse({ type: AlarmRowDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.alarms.detail(access, id);
  }

  @Access('DASHBOARD', 'update')
  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOkResponse({ type: AlarmRowDto, description: 'the alarm, acknowledged by the caller' })
  @ApiConflictResponse({ description: 'already acknowledged' })
  acknowledge(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.alarms.acknowledge(access, id);
  }
}
