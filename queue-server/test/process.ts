/** Kept for this folder's tests: the helpers live in `@oss/queue-server/testing`. */
export * from '../testing/process.ts';
