import type { VariantProps } from 'class-variance-authority';
import type { ComputedRef, InjectionKey } from 'vue';
import { cva } from 'class-variance-authority';

export { default as Field } from './Field.vue';
export { default as FieldDescription } from './FieldDescription.vue';
export { default as FieldError } from './FieldError.vue';
export { default as FieldGroup } from './FieldGroup.vue';
export { default as FieldLabel } from './FieldLabel.vue';
export { default as FieldLegend } from './FieldLegend.vue';
export { default as FieldSet } from './FieldSet.vue';

export const fieldVariants = cva('group/field flex w-full gap-2', {
  variants: {
    orientation: {
      vertical: 'flex-col [&>*]:w-full',
      horizontal: 'flex-row items-center [&>[data-slot=field-label]]:flex-auto',
    },
  },
  defaultVariants: {
    orientation: 'vertical',
  },
});
export type FieldVariants = VariantProps<typeof fieldVariants>;

/** Ids a Field gives its label, control, description and error message. */
export interface FieldContext {
  id: ComputedRef<string>;
  errorId: ComputedRef<string>;
  descriptionId: ComputedRef<string>;
}
export const fieldContextKey: InjectionKey<FieldContext> = Symbol('field');
