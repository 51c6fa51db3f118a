import { API_ERROR_CODES } from '@water/shared';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorFilter, zodReason } from './error.filter';
import { BadInputException, type ErrorBody, reasonOfMessage } from './errors';

const issues = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a refusal');
  return result.error.issues;
};

/** Issue 21: every refusal the schemas make carries a code a client can say in its own language. */
describe('machine-readable error reasons', () => {
  const schema = z
    .object({
      name: z.string().trim().min(1).max(5),
      code: z.string().min(3),
      count: z.number().int().min(1).max(9),
      kind: z.enum(['A', 'B']),
      id: z.string().uuid(),
      digits: z.string().regex(/^\d+$/, 'digits only'),
      tags: z.array(z.string()).max(1),
      flag: z.boolean(),
      person: z.string().min(1, 'required'),
    })
    .strict();

  it('maps schema issues to codes with their limits', () => {
    const found = issues(schema, {
      name: 'toolong',
      code: 'ab',
      count: 10,
      kind: 'C',
      id: 'x',
      digits: 'a',
      tags: ['a', 'b'],
      flag: 'yes',
      person: '',
      extra: 1,
    }).map((i) => [i.path.join('.'), zodReason(i)]);
    expect(Object.fromEntries(found)).toEqual({
      name: { code: 'tooLong', params: { max: 5 } },
      code: { code: 'tooShort', params: { min: 3 } },
      count: { code: 'tooLarge', params: { max: 9 } },
      kind: { code: 'notOneOf', params: { values: 'A, B' } },
      id: { code: 'badFormat' },
      digits: { code: 'badFormat' },
      tags: { code: 'tooMany', params: { max: 1 } },
      flag: { code: 'wrongType', params: { expected: 'boolean' } },
      person: { code: 'required' },
      '': { code: 'unknownField', params: { keys: 'extra' } },
    });
  });

  it('says "required" for a missing field and an empty one, and nothing for a refinement of its own', () => {
    const [missing] = issues(z.object({ a: z.string() }), {});
    expect(zodReason(missing!)).toEqual({ code: 'required' });
    const [empty] = issues(z.string().trim().min(1), '  ');
    expect(zodReason(empty!)).toEqual({ code: 'required' });
    const [custom] = issues(
      z.string().refine(() => false, 'give exactly one of payloadHex and payloadBase64'),
      'x',
    );
    expect(zodReason(custom!)).toBeUndefined();
    // A refinement whose sentence is a known one gets that sentence's code.
    const [range] = issues(
      z.string().refine(() => false, 'from must be before to'),
      'x',
    );
    expect(zodReason(range!)).toEqual({ code: 'rangeOrder' });
  });

  it('gives database refusals a code too, and only known codes', () => {
    const filter = new ErrorFilter();
    const cases: [Record<string, unknown>, string, number][] = [
      [{ code: '23505', constraint: 'meter_serial_key' }, 'alreadyExists', 409],
      [{ code: '23P01', constraint: 'tariff_version_no_overlap' }, 'overlaps', 409],
      [{ code: '23001', constraint: 'invoice_final' }, 'final', 409],
      [{ code: '23503', constraint: 'meter_brand_fk' }, 'referenced', 409],
      [{ code: '23514', constraint: 'positive_amount' }, 'breaksRule', 400],
      [{ code: '22P02' }, 'invalidValue', 400],
    ];
    for (const [error, code, status] of cases) {
      const body = filter.toBody(error);
      expect(body, JSON.stringify(error)).toMatchObject({ statusCode: status, code });
      expect(API_ERROR_CODES).toContain(body.code);
    }
  });
});

describe('hand-written field sentences', () => {
  it('get the code of their reason when thrown without one', () => {
    const body = new BadInputException('bad', [
      { path: ['meterId'], message: 'not a meter of this tenant' },
      { path: ['groupId'], message: 'no such subscription group' },
      { path: ['to'], message: 'from must be before to' },
      { path: ['x'], message: 'something else entirely' },
      { path: ['y'], message: 'in the future', code: 'badFormat' },
    ]).getResponse() as ErrorBody;
    expect(body.details.map((d) => d.code)).toEqual(['notOfTenant', 'unknownRef', 'rangeOrder', undefined, 'badFormat']);
    expect(reasonOfMessage('not an address of this tenant')).toEqual({ code: 'notOfTenant' });
  });
});
