import { describe, expect, it } from 'vitest';
import { reactive } from 'vue';
import { createInlineForm, issueMessages } from '~/lib/billing-inline-form';

describe('billing inline forms', () => {
  it('shows client issues only once tried, sends only valid values, then shows the API’s field messages', async () => {
    const values = reactive({ period: '' });
    const form = createInlineForm(values, (v) => (v.period ? {} : { period: { key: 'billing.validation.month' } }));
    expect(form.problem('period')).toBeUndefined();
    let sent = 0;
    expect(await form.run(async () => ++sent)).toBeUndefined();
    expect(sent).toBe(0);
    expect(form.problem('period')).toEqual({ key: 'billing.validation.month' });
    values.period = '2026-11';
    const refusal = Object.assign(new Error('400'), {
      statusCode: 400,
      data: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'period: in the future',
        details: [{ path: ['period'], message: 'in the future' }],
      },
    });
    expect(
      await form.run(async () => {
        throw refusal;
      }),
    ).toBeUndefined();
    expect(form.problem('period')).toBe('in the future');
    expect(form.failure.value?.status).toBe(400);
    form.reset();
    expect(form.problem('period')).toBeUndefined();
    expect(await form.run(async () => ++sent)).toBe(1);
  });

  it('translates the issues of the fields a dialog shows', () => {
    const t = (key: string, params: Record<string, unknown>) => `${key}${JSON.stringify(params)}`;
    expect(
      issueMessages({ reason: { key: 'billing.validation.maxLength', params: { max: 500 } } }, ['reason', 'amountKurus'] as const, t),
    ).toEqual({
      reason: 'billing.validation.maxLength{"max":500}',
      amountKurus: undefined,
    });
  });
});
