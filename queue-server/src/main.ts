/** `npm start`: one site on the embedded defaults (PROTOCOL.md §1). */
import { bilingual } from '@oss/protocol';
import { readEnv, type ServerEnv } from './env.ts';
import { stopOnSignals } from './lifecycle.ts';
import { createLogger, type Logger } from './log.ts';
import { startServer } from './server.ts';
import { explainStartError } from './start-errors.ts';

// Files the server creates (database, WAL, key, backups) are private to its user.
process.umask(0o077);

async function main(env: ServerEnv, log: Logger): Promise<void> {
  const server = await startServer(env, { log });
  process.stdout.write(
    `\nMột cửa — ${bilingual(server.config.site.name)}\n` +
      `  http://localhost:${server.httpPort}/   (trạng thái / status)\n` +
      `  MQTT ${server.mqttUrl}\n\n`,
  );
  stopOnSignals(server.stop, log);
}

/** Every start failure is told in words (Vietnamese, then English, with the fix); the log keeps the detail. */
function fail(e: unknown, env: ServerEnv | null, log: Logger | null): never {
  log?.debug({ err: String(e) }, 'could not start');
  process.stderr.write(`${explainStartError(e, env)}\n`);
  process.exit(1);
}

let env: ServerEnv | null = null;
let log: Logger | null = null;
try {
  env = readEnv();
  log = createLogger('queue-server', env.logLevel);
  await main(env, log);
} catch (e) {
  fail(e, env, log);
}
