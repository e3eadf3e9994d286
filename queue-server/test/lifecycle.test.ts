/** The start/stop shell of the site server and the hub: order, once, and undoing a failed start. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listenTcp, startParts } from '../src/lifecycle.ts';

describe('startParts', () => {
  it('stops the parts newest first, once however often stop is called, then says so', async () => {
    const done: string[] = [];
    const running = await startParts(
      async (onStop) => {
        onStop(() => void done.push('database'));
        onStop(async () => void done.push('http'));
        return { name: 'site' };
      },
      () => done.push('stopped'),
    );
    expect(running.name).toBe('site');
    await Promise.all([running.stop(), running.stop()]);
    await running.stop();
    expect(done).toEqual(['http', 'database', 'stopped']);
  });

  it('undoes what a failed start had begun, and rethrows its error', async () => {
    const done: string[] = [];
    const failing = startParts(
      async (onStop) => {
        onStop(() => void done.push('database'));
        onStop(() => void done.push('broker'));
        throw new Error('port taken');
      },
      () => done.push('stopped'),
    );
    await expect(failing).rejects.toThrow('port taken');
    expect(done).toEqual(['broker', 'database']);
  });
});

describe('listenTcp', () => {
  it('gives the bound port of port 0, and rejects a port already taken', async () => {
    const first = createServer();
    const port = await listenTcp(first, 0, '127.0.0.1');
    expect(port).toBeGreaterThan(0);
    const second = createServer();
    await expect(listenTcp(second, port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await new Promise((resolve) => first.close(resolve));
  });
});
