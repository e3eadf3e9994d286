/** `npm start`: one site on the embedded defaults (PROTOCOL.md §1). */
import { bilingual } from '@oss/protocol';
import { ConfigError } from './config/load.ts';
import { EnvError, readEnv } from './env.ts';
import { createLogger, type Logger, LogLevelError } from './log.ts';
import { startServer } from './server.ts';

const log = loggerOrExit();

function loggerOrExit(): Logger {
  try {
    return createLogger('queue-server');
  } catch (e) {
    if (!(e instanceof LogLevelError)) throw e;
    process.stderr.write(`${e.message}\n`); // OSS_LOG_LEVEL is wrong: say so in words
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const server = await startServer(readEnv(), { log });
  process.stdout.write(
    `\nMột cửa — ${bilingual(server.config.site.name)}\n` +
      `  http://localhost:${server.httpPort}/   (trạng thái / status)\n` +
      `  MQTT ${server.mqttUrl}\n\n`,
  );
  const shutdown = (signal: string) => {
    log.info({ signal }, 'stopping');
    server.stop().then(
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
  // What a person can fix (a variable, the site file) is told in words; anything else goes to the log.
  if (e instanceof ConfigError || e instanceof EnvError) process.stderr.write(`${e.message}\n`);
  else log.error({ err: String(e) }, 'could not start');
  process.exit(1);
});
