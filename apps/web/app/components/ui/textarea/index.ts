export { default as Textarea } from './Textarea.vue';
