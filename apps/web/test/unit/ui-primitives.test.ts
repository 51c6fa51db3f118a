import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { Badge } from '~/components/ui/badge';
import { Button, buttonVariants } from '~/components/ui/button';
import { Checkbox } from '~/components/ui/checkbox';
import { cn } from '~/lib/utils';

describe('cn', () => {
  it('lets the later Tailwind class win', () => {
    expect(cn('px-2 text-sm', false, 'px-4')).toBe('text-sm px-4');
  });
});

describe('Button', () => {
  it('renders a button with the default variant classes', () => {
    const wrapper = mount(Button, { slots: { default: 'Kaydet' } });
    expect(wrapper.element.tagName).toBe('BUTTON');
    expect(wrapper.attributes('data-slot')).toBe('button');
    expect(wrapper.text()).toBe('Kaydet');
    expect(wrapper.classes()).toContain('bg-primary');
  });

  it('merges the caller class last so it overrides the variant', () => {
    const wrapper = mount(Button, { props: { variant: 'outline', size: 'sm', class: 'h-12' } });
    expect(wrapper.classes()).toContain('h-12');
    expect(wrapper.classes()).not.toContain('h-8');
    expect(wrapper.classes()).toContain('border');
  });

  it('renders its child element with asChild', () => {
    const wrapper = mount(Button, { props: { asChild: true }, slots: { default: '<a href="/meters">Sayaçlar</a>' } });
    expect(wrapper.element.tagName).toBe('A');
    expect(wrapper.attributes('href')).toBe('/meters');
  });

  it('exposes its variants through cva', () => {
    expect(buttonVariants({ variant: 'destructive' })).toContain('bg-destructive');
  });
});

describe('Badge', () => {
  it('renders a span with the chosen variant', () => {
    const wrapper = mount(Badge, { props: { variant: 'secondary' }, slots: { default: 'Aktif' } });
    expect(wrapper.element.tagName).toBe('SPAN');
    expect(wrapper.classes()).toContain('bg-secondary');
  });
});

describe('Checkbox', () => {
  it('toggles and emits the new value', async () => {
    const wrapper = mount(Checkbox, { props: { modelValue: false } });
    const box = wrapper.get('[role="checkbox"]');
    expect(box.attributes('data-state')).toBe('unchecked');
    expect(box.attributes('data-slot')).toBe('checkbox');
    await box.trigger('click');
    expect(wrapper.emitted('update:modelValue')?.[0]).toEqual([true]);
    await wrapper.setProps({ modelValue: true });
    expect(box.attributes('data-state')).toBe('checked');
  });
});
