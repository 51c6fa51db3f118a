export * from './permissions';
export * from './definitions';
export * from './validation';
export * from './format';
export * from './live-events';
export * from './api-errors';
