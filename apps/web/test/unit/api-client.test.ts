import { describe, expect, it } from 'vitest';
import { ApiError, unwrap } from '~/lib/api-client';
import { toApiFailure } from '~/lib/api-error';

const answer = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

describe('unwrap', () => {
  it('returns the data of a successful answer', () => {
    expect(unwrap({ data: { id: 'a' }, response: answer(200) })).toEqual({ id: 'a' });
    expect(unwrap({ data: undefined, response: answer(204) })).toBeUndefined();
  });

  it('throws a refusal as an ApiError that toApiFailure reads like a FetchError', () => {
    const body = { statusCode: 429, error: 'Too Many Requests', message: 'slow down' };
    let thrown: unknown;
    try {
      unwrap({ error: body, response: answer(429, { 'retry-after': '30' }) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ statusCode: 429, data: body });
    expect(toApiFailure(thrown)).toEqual({ status: 429, body, retryAfterSeconds: 30 });
  });
});
