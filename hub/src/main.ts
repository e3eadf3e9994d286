/** `npm run hub`: a province hub on the embedded defaults (PROTOCOL.md §5). */
import { stopOnSignals } from '@oss/queue-server/lifecycle';
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
  stopOnSignals(hub.stop, log);
}

main().catch((e) => {
  if (e instanceof EnvError) process.stderr.write(`${e.message}\n`);
  else log.error({ err: String(e) }, 'could not start');
  process.exit(1);
});
