import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  AcknowledgeAlarmDto,
  AlarmAssigneeListDto,
  AlarmCountsDto,
  AlarmCountsQueryDto,
  AlarmDetailDto,
  AlarmNoteDto,
  AlarmPageDto,
  AlarmRowDto,
  AssignAlarmDto,
  BulkAcknowledgeAlarmsDto,
  BulkAcknowledgeResultDto,
  CloseAlarmDto,
  ListAlarmsQueryDto,
} from './alarms.dto';
import { AlarmsService } from './alarms.service';

@ApiTags('alarms')
// The list row keeps its name in the document (the console types its tables with it).
@ApiExtraModels(AlarmRowDto)
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

  @Access('DASHBOARD', 'update')
  @Post('acknowledge')
  @HttpCode(200)
  @ApiOkResponse({ type: BulkAcknowledgeResultDto, description: 'per alarm: acknowledged now, already acknowledged or closed' })
  acknowledgeMany(@Auth() access: AccessContext, @Body() body: BulkAcknowledgeAlarmsDto) {
    return this.alarms.acknowledgeMany(access, body);
  }

  @Access('DASHBOARD', 'read')
  @Get(':id')
  @ApiOkResponse({ type: AlarmDetailDto, description: 'the alarm with its timeline' })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.alarms.detail(access, id);
  }

  @Access('DASHBOARD', 'read')
  @Get(':id/assignees')
  @ApiOkResponse({ type: AlarmAssigneeListDto, description: 'users the alarm may be assigned to' })
  assignees(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.alarms.assignees(access, id);
  }

  @Access('DASHBOARD', 'update')
  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiBody({ type: AcknowledgeAlarmDto, required: false, description: 'optional: a comment for the timeline' })
  @ApiOkResponse({ type: AlarmDetailDto, description: 'the alarm, acknowledged by the caller' })
  @ApiConflictResponse({ description: 'already acknowledged, or closed' })
  acknowledge(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: AcknowledgeAlarmDto) {
    return this.alarms.acknowledge(access, id, body?.comment);
  }

  @Access('DASHBOARD', 'update')
  @Put(':id/assignee')
  @ApiOkResponse({ type: AlarmDetailDto, description: 'the alarm, assigned (or unassigned with userId null)' })
  @ApiBadRequestResponse({ description: 'the user may not be given this alarm' })
  @ApiConflictResponse({ description: 'closed, or already so assigned' })
  assign(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: AssignAlarmDto) {
    return this.alarms.assign(access, id, body.userId);
  }

  @Access('DASHBOARD', 'update')
  @Post(':id/notes')
  @HttpCode(200)
  @ApiOkResponse({ type: AlarmDetailDto, description: 'the alarm with the note in its timeline' })
  addNote(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: AlarmNoteDto) {
    return this.alarms.addNote(access, id, body.text);
  }

  @Access('DASHBOARD', 'update')
  @Post(':id/close')
  @HttpCode(200)
  @ApiOkResponse({ type: AlarmDetailDto, description: 'the alarm, closed (and cleared, if it was still raised)' })
  @ApiConflictResponse({ description: 'already closed' })
  close(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: CloseAlarmDto) {
    return this.alarms.close(access, id, body.reason);
  }
}
