import { describe, expect, it } from 'vitest';
import { nextTick, ref } from 'vue';
import { createDialogForm } from '~/lib/dialog-form';
import { localName } from '~/lib/format';

describe("a definition's name in the page's language (issue 21)", () => {
  it('shows the Turkish name on Turkish pages and the English one on English pages', () => {
    expect(localName('tr', 'Yüksek Tüketim', 'High Consumption')).toBe('Yüksek Tüketim');
    expect(localName('en', 'Yüksek Tüketim', 'High Consumption')).toBe('High Consumption');
    expect(localName('en-GB', 'Yüksek Tüketim', 'High Consumption')).toBe('High Consumption');
  });

  it('falls back to the other language when one is missing, and to a dash when both are', () => {
    expect(localName('en', 'Kamu Binaları', null)).toBe('Kamu Binaları');
    expect(localName('en', 'Kamu Binaları', '')).toBe('Kamu Binaları');
    expect(localName('tr', '', 'Public Buildings')).toBe('Public Buildings');
    expect(localName('tr', null, undefined)).toBe('—');
  });
});

describe('a dialog form confirms each save', () => {
  it('counts successful saves only: a client refusal or an API failure is no save', async () => {
    const open = ref(true);
    let refuse = false;
    let closed = 0;
    const form = createDialogForm<{ name: string }, 'name'>({
      open: () => open.value,
      initial: () => ({ name: '' }),
      validate: (v) => ({ name: v.name ? undefined : 'required' }),
      save: async () => {
        if (refuse) throw Object.assign(new Error('409'), { statusCode: 409, data: { statusCode: 409, message: 'exists', details: [] } });
      },
      saved: () => closed++,
    });
    await form.run();
    expect(form.saves.value).toBe(0);
    form.values.name = 'Sanayi';
    refuse = true;
    await form.run();
    expect(form.saves.value).toBe(0);
    expect(form.failure.value).not.toBeNull();
    refuse = false;
    await form.run();
    expect(form.saves.value).toBe(1);
    expect(closed).toBe(1);
    open.value = false;
    await nextTick();
    open.value = true;
    await nextTick();
    form.values.name = 'Sanayi 2';
    await form.run();
    expect(form.saves.value).toBe(2);
  });
});
