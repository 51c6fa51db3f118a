import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { DatabaseService } from '../../core/database/database.service';
import { BadInputException, EntityNotFoundException } from '../../core/http/errors';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { DecodersService } from './decoders.service';

const TestPayloadSchema = z
  .object({
    payloadHex: z.string().regex(/^([0-9a-fA-F]{2})*$/, 'must be hexadecimal with an even number of digits').max(2048).optional(),
    payloadBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64').max(2800).optional(),
    fPort: z.number().int().min(0).max(255).nullish(),
    recvTime: z.string().datetime({ offset: true }).optional(),
    /** Unsaved decoder text from the editor; the stored one is used when absent. */
    decoderSource: z.string().max(65_536).optional(),
  })
  .strict()
  .refine((b) => (b.payloadHex === undefined) !== (b.payloadBase64 === undefined), { message: 'give exactly one of payloadHex and payloadBase64', path: ['payloadHex'] });
class TestPayloadDto extends createZodDto(TestPayloadSchema) {}

const DecodeResultSchema = z.object({ data: z.record(z.string(), z.unknown()).nullable(), warnings: z.array(z.string()), errors: z.array(z.string()) });
class DecodeResultDto extends createZodDto(DecodeResultSchema) {}

/** The console's "test payload" panel: runs a scenario's decoder in the sandbox on given bytes. */
@ApiTags('device-profiles')
@Controller('device-profiles')
export class DecoderTestController {
  constructor(
    private readonly decoders: DecodersService,
    private readonly database: DatabaseService,
  ) {}

  @Access('PROFILES', 'read')
  @Post(':id/scenarios/:scenarioId/test')
  @HttpCode(200)
  @ApiOkResponse({ type: DecodeResultDto })
  async test(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Param('scenarioId', UuidPipe) scenarioId: string, @Body() body: TestPayloadDto) {
    const scenario = await this.database.db
      .selectFrom('message_scenario as s')
      .leftJoin('tenant_device_profile as tdp', 'tdp.device_profile_id', 's.device_profile_id')
      .select(['s.decoder_source', 's.f_port'])
      .select((eb) => eb.fn.agg<string[]>('array_agg', ['tdp.tenant_id']).as('tenantIds'))
      .where('s.id', '=', scenarioId)
      .where('s.device_profile_id', '=', id)
      .groupBy(['s.id', 's.decoder_source', 's.f_port'])
      .executeTakeFirst();
    // Visible like its profile: to the root's readers, or to readers of a tenant it is allowed to.
    const visible =
      scenario &&
      [...access.tenants.values()].some((t) => t.matrix.PROFILES.read && (t.parentId === null || (scenario.tenantIds ?? []).includes(t.id)));
    if (!visible) throw new EntityNotFoundException('message scenario', scenarioId);
    const bytes = body.payloadHex !== undefined ? Buffer.from(body.payloadHex, 'hex') : Buffer.from(body.payloadBase64!, 'base64');
    if (bytes.length > 1024) throw new BadInputException('payload larger than 1024 bytes', [{ path: ['payloadHex'], message: 'too long' }]);
    return this.decoders.test(body.decoderSource ?? scenario.decoder_source, {
      bytes: [...bytes],
      fPort: body.fPort === undefined ? scenario.f_port : body.fPort,
      recvTime: body.recvTime ? new Date(body.recvTime) : new Date(),
    });
  }
}
