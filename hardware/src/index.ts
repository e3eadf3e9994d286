export * from './camera/index.ts';
export * from './cccd/index.ts';
export * from './counter-display/index.ts';
export { errorFactory, HardwareError } from './errors.ts';
export * from './gpio/index.ts';
export * from './printer/index.ts';
export * from './scanner/index.ts';
