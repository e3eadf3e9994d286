import { describe, expect, it } from 'vitest';
import { type Component, Lifecycle } from '../src/lifecycle.ts';
import { capturingLogger, type LogLine } from './helpers.ts';

describe('Lifecycle', () => {
  const recorder =
    (events: string[]) =>
    (name: string, failStop = false): Component => ({
      name,
      start: () => void events.push(`start ${name}`),
      stop: async () => {
        events.push(`stop ${name}`);
        if (failStop) throw new Error(`${name} is stuck`);
      },
    });

  it('starts in order, stops in reverse, once; a failing stop is logged and the rest still stop', async () => {
    const events: string[] = [];
    const lines: LogLine[] = [];
    const lifecycle = new Lifecycle(capturingLogger(lines));
    const part = recorder(events);
    for (const c of [part('store'), part('printer', true), part('http')]) await lifecycle.start(c);
    await lifecycle.stop();
    await lifecycle.stop();
    expect(events).toEqual([
      'start store',
      'start printer',
      'start http',
      'stop http',
      'stop printer',
      'stop store',
    ]);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.fields)).toEqual([
      { component: 'printer', err: 'Error: printer is stuck' },
    ]);
  });

  it('a component whose start fails is not stopped; those started before are', async () => {
    const events: string[] = [];
    const lifecycle = new Lifecycle(capturingLogger([]));
    await lifecycle.start(recorder(events)('store'));
    const broken: Component = {
      name: 'http',
      start: () => {
        throw new Error('EADDRINUSE');
      },
      stop: () => void events.push('stop http'),
    };
    await expect(lifecycle.start(broken)).rejects.toThrow('EADDRINUSE');
    await lifecycle.stop();
    expect(events).toEqual(['start store', 'stop store']);
  });
});
