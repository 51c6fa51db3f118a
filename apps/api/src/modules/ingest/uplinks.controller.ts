import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
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

/** Raw uplinks as received, with their decode result: how operators find frames a decoder could not read. */
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
}
