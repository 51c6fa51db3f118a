export { default as ConfirmDialog } from './ConfirmDialog.vue';
