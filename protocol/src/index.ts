export * from './errors.ts';
export * from './feed.ts';
export * from './http.ts';
export * from './local-ui.ts';
export * from './messages.ts';
export * from './time.ts';
export * from './topics.ts';
export * from './validate.ts';
