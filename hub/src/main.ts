/** `npm run hub`: a province hub on the embedded defaults (PROTOCOL.md §5). */
import { createLogger } from '@oss/queue-server/log';
import { EnvError, readHubEnv } from './env.ts';
import { startHub } from './hub.ts';

const log = createLogger('hub');

async function main(): Promise<void> {
  const hub = await startHub(readHubEnv(), { log });
  process.stdout.write(
    `\nHub tỉnh / Province hub\n  http://localhost:${hub.httpPort}/province\n  MQTT ${hub.mqttUrl}\n` +
      `  CSDL / database: ${hub.store.db.kind}\n\n`,
  );
  const shutdown = (signal: string) => {
    log.info({ signal }, 'stopping');
    hub.stop().then(
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

main().catch((e) => {
  if (e instanceof EnvError) process.stderr.write(`${e.message}\n`);
  else log.error({ err: String(e) }, 'could not start');
  process.exit(1);
});
