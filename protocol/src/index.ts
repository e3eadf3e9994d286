export * from './errors.ts';
export * from './messages.ts';
export * from './time.ts';
export * from './topics.ts';
export * from './validate.ts';
