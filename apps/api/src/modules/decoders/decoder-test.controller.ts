import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { BadInputException } from '../../core/http/errors';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { DeviceProfilesService } from '../profiles/device-profiles.service';
import { DECODER_FUNCTIONS, MAX_TIMEOUT_MS, type DecoderFunction } from './decoder-sandbox';
import { DecodersService } from './decoders.service';

const TestPayloadSchema = z
  .object({
    /** The TS013 function to call: decodeUplink (default), decodeDownlink or encodeDownlink. */
    function: z.enum(DECODER_FUNCTIONS as [DecoderFunction, ...DecoderFunction[]]).default('decodeUplink'),
    payloadHex: z
      .string()
      .regex(/^([0-9a-fA-F]{2})*$/, 'must be hexadecimal with an even number of digits')
      .max(2048)
      .optional(),
    payloadBase64: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
      .max(2800)
      .optional(),
    /** encodeDownlink's input: the object the decoder turns into bytes. */
    data: z.record(z.string(), z.unknown()).optional(),
    fPort: z.number().int().min(0).max(255).nullish(),
    recvTime: z.string().datetime({ offset: true }).optional(),
    /** Unsaved decoder text from the editor; the stored one is used when absent. */
    decoderSource: z.string().max(65_536).optional(),
    /** Wall-clock budget of the call in ms (default DECODER_TIMEOUT_MS, at most 1 s). */
    timeoutMs: z.number().int().min(1).max(MAX_TIMEOUT_MS).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.function === 'encodeDownlink') {
      if (b.data === undefined) ctx.addIssue({ code: 'custom', message: 'encodeDownlink needs data', path: ['data'] });
      if (b.payloadHex !== undefined || b.payloadBase64 !== undefined)
        ctx.addIssue({ code: 'custom', message: 'encodeDownlink takes data, not a payload', path: ['payloadHex'] });
    } else {
      if ((b.payloadHex === undefined) === (b.payloadBase64 === undefined))
        ctx.addIssue({ code: 'custom', message: 'give exactly one of payloadHex and payloadBase64', path: ['payloadHex'] });
      if (b.data !== undefined) ctx.addIssue({ code: 'custom', message: `${b.function} takes a payload, not data`, path: ['data'] });
    }
  });
class TestPayloadDto extends createZodDto(TestPayloadSchema) {}

const DecodeResultSchema = z.object({
  function: z.enum(DECODER_FUNCTIONS as [DecoderFunction, ...DecoderFunction[]]),
  /** decodeUplink and decodeDownlink: what the decoder made of the bytes (undefined properties as null). */
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  /** encodeDownlink: the bytes and port the decoder made of the data. */
  bytes: z.array(z.number().int()).nullable().optional(),
  payloadHex: z.string().nullable().optional(),
  fPort: z.number().int().nullable().optional(),
  warnings: z.array(z.string()),
  errors: z.array(z.string()),
  /** What the decoder wrote to console during the call (at most 50 lines of 500 characters). */
  logs: z.array(z.string()),
});
class DecodeResultDto extends createZodDto(DecodeResultSchema) {}

/**
 * The console's "test payload" panel: runs one of a scenario's TS013 functions (decodeUplink,
 * decodeDownlink, encodeDownlink) in the decoder threads on given bytes or data, with the console
 * lines the decoder wrote. A decoder that loops or allocates costs its budget and a thread, not the API.
 */
@ApiTags('device-profiles')
@Controller('device-profiles')
export class DecoderTestController {
  constructor(
    private readonly decoders: DecodersService,
    private readonly profiles: DeviceProfilesService,
  ) {}

  @Access('PROFILES', 'read')
  @Post(':id/scenarios/:scenarioId/test')
  @HttpCode(200)
  @ApiOkResponse({ type: DecodeResultDto })
  async test(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('scenarioId', UuidPipe) scenarioId: string,
    @Body() body: TestPayloadDto,
  ) {
    const scenario = await this.profiles.scenarioDecoder(access, id, scenarioId);
    const source = body.decoderSource ?? scenario.decoderSource;
    const fPort = body.fPort === undefined ? scenario.fPort : body.fPort;
    if (body.function === 'encodeDownlink') {
      const out = await this.decoders.call('encodeDownlink', source, { data: body.data }, body.timeoutMs);
      return {
        function: body.function,
        ...out,
        payloadHex: out.bytes ? Buffer.from(out.bytes).toString('hex') : null,
        logs: out.logs ?? [],
      };
    }
    const bytes = body.payloadHex !== undefined ? Buffer.from(body.payloadHex, 'hex') : Buffer.from(body.payloadBase64!, 'base64');
    if (bytes.length > 1024) throw new BadInputException('payload larger than 1024 bytes', [{ path: ['payloadHex'], message: 'too long' }]);
    const out =
      body.function === 'decodeDownlink'
        ? await this.decoders.call('decodeDownlink', source, { bytes: [...bytes], fPort }, body.timeoutMs)
        : await this.decoders.call(
            'decodeUplink',
            source,
            { bytes: [...bytes], fPort, recvTime: body.recvTime ? new Date(body.recvTime) : new Date() },
            body.timeoutMs,
          );
    return { function: body.function, ...out, logs: out.logs ?? [] };
  }
}
