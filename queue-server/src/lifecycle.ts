/**
 * The start/stop shell the site server and the province hub share (`@oss/queue-server/lifecycle`):
 * parts stop newest first, once, and also when a later part fails to start; a listener's bound port;
 * a process that stops on SIGTERM or SIGINT.
 */
import type { Server } from 'node:net';
import type { Logger } from './log.ts';

type StopStep = () => Promise<void> | void;

/**
 * Runs `start`, which calls `onStop` with how to undo each part right after starting it. If `start`
 * throws, what it had started is undone and the error rethrown; otherwise its result gets a `stop`
 * that undoes everything once however often it is called, then calls `stopped`.
 */
export async function startParts<T extends object>(
  start: (onStop: (step: StopStep) => void) => Promise<T>,
  stopped: () => void,
): Promise<T & { stop(): Promise<void> }> {
  const steps: StopStep[] = [];
  const undo = async () => {
    for (const step of steps) await step();
  };
  let result: T;
  try {
    result = await start((step) => steps.unshift(step));
  } catch (e) {
    await undo();
    throw e;
  }
  let stopping: Promise<void> | null = null;
  return Object.assign(result, {
    stop: () => {
      stopping ??= undo().then(stopped);
      return stopping;
    },
  });
}

/** The port a listener is bound to: the one asked for, unless that was 0 (any free port). */
export function boundPort(server: Pick<Server, 'address'>, asked: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : asked;
}

/** Listens on `port` (0: any free one) and resolves with the bound port; a bind error rejects. */
export async function listenTcp(server: Server, port: number, host = '0.0.0.0'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return boundPort(server, port);
}

/** `npm start` and `npm run hub`: SIGTERM or SIGINT stops the process's parts, then exits (1 if stopping failed). */
export function stopOnSignals(stop: () => Promise<void>, log: Logger): void {
  const shutdown = (signal: string) => {
    log.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (e) => {
        log.error({ err: String(e) }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
