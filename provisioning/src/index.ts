export * from './inventory.ts';
export * from './render.ts';
export * from './server.ts';
