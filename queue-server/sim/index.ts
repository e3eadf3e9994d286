/** The simulator's public API: run scenarios, compare policies, search capacity, check against theory. */
export * from './arrivals.ts';
export * from './bookings.ts';
export * from './capacity.ts';
export * from './predictors.ts';
export * from './rng.ts';
export * from './run.ts';
export * from './scenario.ts';
export * from './simulator.ts';
export * from './stats.ts';
export * from './steps.ts';
export * from './theory.ts';
