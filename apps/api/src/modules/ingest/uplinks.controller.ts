import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { UplinksService } from './uplinks.service';

export const ListUplinksQuerySchema = z
  .object({
    page: pageQueryShape.page,
    pageSize: pageQueryShape.pageSize,
    tenantId: z.string().uuid().optional(),
    deviceId: z.string().uuid().optional(),
    integrationId: z.string().uuid().optional(),
    status: z.enum(['RECEIVED', 'DECODED', 'FAILED']).optional(),
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
  })
  .strict();
export class ListUplinksQueryDto extends createZodDto(ListUplinksQuerySchema) {}

export const UplinkRowSchema = z.object({
  id: z.string(),
  receivedAt: z.string().datetime(),
  deviceId: z.string().uuid(),
  deviceSerialNo: z.string(),
  tenantId: z.string().uuid(),
  integrationId: z.string().uuid().nullable(),
  fPort: z.number().int().nullable(),
  fCnt: z.number().int().nullable(),
  payloadHex: z.string(),
  status: z.enum(['RECEIVED', 'DECODED', 'FAILED']),
  decoded: z.unknown().nullable(),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
  rx: z.unknown().nullable(),
});
export class UplinkPageDto extends createZodDto(pageSchema(UplinkRowSchema)) {}

/** Longest time range one re-decode run may cover. */
const MAX_REDECODE_DAYS = 366;

export const RedecodeSchema = z
  .object({
    tenantId: z.string().uuid().optional(),
    deviceId: z.string().uuid().optional(),
    deviceProfileId: z.string().uuid().optional(),
    integrationId: z.string().uuid().optional(),
    /** Single frames to re-run (ids from GET /api/uplinks), within the other filters. */
    uplinkIds: z
      .array(z.string().regex(/^\d{1,19}$/, 'must be an uplink id'))
      .min(1)
      .max(1000)
      .optional(),
    /** Which uplinks: the failed ones by default, or any. */
    status: z.enum(['FAILED', 'DECODED', 'RECEIVED', 'ANY']).default('FAILED'),
    from: z.string().datetime({ offset: true }),
    to: z.string().datetime({ offset: true }),
  })
  .strict()
  .refine((b) => b.deviceId || b.deviceProfileId || b.integrationId, {
    message: 'name a device, a device profile or an integration',
    path: ['deviceId'],
  })
  .refine((b) => new Date(b.to) > new Date(b.from), { message: 'must be after from', path: ['to'] })
  .refine((b) => new Date(b.to).getTime() - new Date(b.from).getTime() <= MAX_REDECODE_DAYS * 86_400_000, {
    message: `at most ${MAX_REDECODE_DAYS} days after from`,
    path: ['to'],
  });
export class RedecodeDto extends createZodDto(RedecodeSchema) {}

const RedecodeProgressSchema = z.object({
  total: z.number().int(),
  done: z.number().int(),
  stored: z.number().int(),
  failed: z.number().int(),
});
export const RedecodeStartedSchema = z.object({ jobId: z.string(), total: z.number().int() });
class RedecodeStartedDto extends createZodDto(RedecodeStartedSchema) {}
export const RedecodeStatusSchema = z.object({
  jobId: z.string(),
  state: z.enum(['waiting', 'active', 'completed', 'failed', 'delayed', 'unknown']),
  progress: RedecodeProgressSchema,
  failedReason: z.string().nullable(),
  createdAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
});
class RedecodeStatusDto extends createZodDto(RedecodeStatusSchema) {}

/** Raw uplinks as received, with their decode result: how operators find frames a decoder could not read, and re-run them. */
@ApiTags('ingest')
@Controller('uplinks')
export class UplinksController {
  constructor(private readonly uplinks: UplinksService) {}

  @Access('DEVICES', 'read')
  @Get()
  @ApiOkResponse({ type: UplinkPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListUplinksQueryDto) {
    return this.uplinks.list(access, query);
  }

  /**
   * Decodes stored uplinks again (after a decoder fix) as a job: what they yield goes through the
   * normal path (readings, rollups, alarms, live events) and each uplink's result is replaced.
   */
  @Access('DEVICES', 'update')
  @Post('redecode')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RedecodeStartedDto })
  redecode(@Auth() access: AccessContext, @Body() body: RedecodeDto) {
    return this.uplinks.redecode(access, body);
  }

  @Access('DEVICES', 'read')
  @Get('redecode/:jobId')
  @ApiOkResponse({ type: RedecodeStatusDto })
  redecodeStatus(@Auth() access: AccessContext, @Param('jobId') jobId: string) {
    return this.uplinks.redecodeStatus(access, jobId);
  }
}
