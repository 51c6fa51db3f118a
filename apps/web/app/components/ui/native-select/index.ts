export { default as NativeSelect } from './NativeSelect.vue';
export { default as NativeSelectOptGroup } from './NativeSelectOptGroup.vue';
export { default as NativeSelectOption } from './NativeSelectOption.vue';
