/**
 * Long simulations as generators that yield after each simulated day or trial: run to the end at once
 * (the CLI, tests), or by a server with a pause between steps so its other work goes on meanwhile.
 */
import { setImmediate as pause } from 'node:timers/promises';

export type Steps<T> = Generator<void, T>;

export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export async function runWithPauses<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}
