/** Kept for this folder's tests: the helpers live in `@oss/device-agent/testing`. */
export * from '../testing/index.ts';
