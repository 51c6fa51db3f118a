import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createZodDto, nullableFor30 } from './zod-dto';

describe('createZodDto', () => {
  it('documents a bare nullable field as nullable, never as an array', () => {
    class Dto extends createZodDto(
      z.object({ phone: z.string().nullable(), tags: z.array(z.string()), inner: z.object({ note: z.string().nullable() }) }),
    ) {}
    const meta = (
      Dto as unknown as { _OPENAPI_METADATA_FACTORY: () => Record<string, Record<string, unknown>> }
    )._OPENAPI_METADATA_FACTORY();
    expect(meta.phone).toMatchObject({ anyOf: [{ type: 'string' }, { type: 'null' }], type: '', required: true });
    expect(meta.tags).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect((meta.inner!.properties as Record<string, unknown>).note).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
  });

  it('turns the OpenAPI 3.1 null branch left in a finished document into 3.0 nullable', () => {
    expect(
      nullableFor30({
        properties: {
          a: { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }], description: 'd' },
          b: { anyOf: [{ $ref: '#/x' }, { type: 'null' }] },
        },
      }),
    ).toEqual({
      properties: {
        a: { type: 'string', format: 'uuid', description: 'd', nullable: true },
        b: { allOf: [{ $ref: '#/x' }], nullable: true },
      },
    });
  });
});
