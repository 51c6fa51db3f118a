import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { Checklist, filterChecklistOptions } from '~/components/ui/checklist';
import { DataTablePagination, pageCount, pageRange } from '~/components/ui/data-table';
import { Field, FieldError, FieldLabel } from '~/components/ui/field';
import { NativeSelect, NativeSelectOption } from '~/components/ui/native-select';

describe('Checklist', () => {
  const options = [
    { value: 'a', label: 'ASKİ' },
    { value: 'h', label: 'HATSU', hint: 'Hatay' },
    { value: 'k', label: 'Kızılay', level: 1, disabled: true },
  ];

  it('filters by label or hint with Turkish case rules', () => {
    expect(filterChecklistOptions(options, 'aski').map((o) => o.value)).toEqual(['a']);
    expect(filterChecklistOptions(options, 'HATAY').map((o) => o.value)).toEqual(['h']);
    expect(filterChecklistOptions(options, ' ')).toHaveLength(3);
  });

  it('emits the new selection and labels every checkbox', async () => {
    const wrapper = mount(Checklist, { props: { options, modelValue: ['a'] } });
    const boxes = wrapper.findAll('[role="checkbox"]');
    expect(boxes).toHaveLength(3);
    expect(boxes[0]!.attributes('data-state')).toBe('checked');
    expect(wrapper.find(`label[for="${boxes[1]!.attributes('id')}"]`).text()).toContain('HATSU');
    await boxes[1]!.trigger('click');
    expect(wrapper.emitted('update:modelValue')?.[0]).toEqual([['a', 'h']]);
    await boxes[0]!.trigger('click');
    expect(wrapper.emitted('update:modelValue')?.[1]).toEqual([[]]);
    expect(boxes[2]!.attributes('disabled')).toBeDefined();
  });

  it('shows a filter box only for long lists', () => {
    expect(
      mount(Checklist, { props: { options, modelValue: [], filterLabel: 'Ara' } })
        .find('input[type="search"]')
        .exists(),
    ).toBe(false);
    expect(
      mount(Checklist, { props: { options, modelValue: [], filterLabel: 'Ara', filterFrom: 2 } })
        .find('input[type="search"]')
        .exists(),
    ).toBe(true);
  });
});

describe('Field', () => {
  it('ties the label, the control and the error message together', () => {
    const wrapper = mount(
      defineComponent(
        () => () =>
          h(
            Field,
            { invalid: true },
            {
              default: ({ id, describedBy }: { id: string; describedBy?: string }) => [
                h(FieldLabel, null, () => 'Ad'),
                h('input', { id: id, 'aria-describedby': describedBy }),
                h(FieldError, { errors: ['Zorunlu', null, 'Zorunlu'] }),
              ],
            },
          ),
      ),
    );
    const input = wrapper.get('input');
    const error = wrapper.get('[data-slot="field-error"]');
    expect(wrapper.get('label').attributes('for')).toBe(input.attributes('id'));
    expect(input.attributes('aria-describedby')).toBe(error.attributes('id'));
    expect(error.text()).toBe('Zorunlu');
    expect(error.attributes('role')).toBe('alert');
  });
});

describe('NativeSelect', () => {
  it('binds its value both ways', async () => {
    const value = ref('b');
    const wrapper = mount(
      defineComponent(
        () => () =>
          h(NativeSelect, { modelValue: value.value, 'onUpdate:modelValue': (v: string) => (value.value = v), 'aria-label': 'Seç' }, () => [
            h(NativeSelectOption, { value: 'a' }, () => 'A'),
            h(NativeSelectOption, { value: 'b' }, () => 'B'),
          ]),
      ),
    );
    const select = wrapper.get('select');
    expect((select.element as HTMLSelectElement).value).toBe('b');
    expect(select.attributes('aria-label')).toBe('Seç');
    await select.setValue('a');
    expect(value.value).toBe('a');
  });
});

describe('DataTablePagination', () => {
  it('counts pages and rows', () => {
    expect(pageCount(0, 30)).toBe(1);
    expect(pageCount(61, 30)).toBe(3);
    expect(pageRange(2, 30, 61)).toEqual({ from: 31, to: 60 });
    expect(pageRange(3, 30, 61)).toEqual({ from: 61, to: 61 });
    expect(pageRange(1, 30, 0)).toEqual({ from: 0, to: 0 });
  });

  it('moves by one page and stops at the ends', async () => {
    const props = { page: 1, pageSize: 30, total: 61, label: 'Sayfalar', previousLabel: 'Önceki', nextLabel: 'Sonraki' };
    const first = mount(DataTablePagination, { props });
    const [previous, next] = first.findAll('button');
    expect(previous!.attributes('disabled')).toBeDefined();
    await next!.trigger('click');
    expect(first.emitted('update:page')?.[0]).toEqual([2]);
    const last = mount(DataTablePagination, { props: { ...props, page: 3 } });
    expect(last.findAll('button')[1]!.attributes('disabled')).toBeDefined();
    expect(last.get('nav').attributes('aria-label')).toBe('Sayfalar');
  });
});
