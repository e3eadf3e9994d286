/**
 * `npm run agent -- --config <file> [--simulate]`: runs the device agent. With `--simulate` every
 * device is simulated (printer, scanner, card reader, buttons, counter display, audio).
 * SIGTERM/SIGINT: status offline (retained), close devices and the outbox, exit 0.
 */
import { startAgent } from './agent.ts';
import { ConfigError, loadConfig } from './config.ts';

function usage(message: string): never {
  process.stderr.write(
    `${message}\n` +
      'Cách dùng: npm run agent -- --config <tệp.yaml|tệp.json> [--simulate] [--port N] [--data-dir THƯ_MỤC]\n' +
      'Usage: npm run agent -- --config <file.yaml|file.json> [--simulate] [--port N] [--data-dir DIR]\n',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let configPath: string | undefined;
let simulate = false;
let port: number | undefined;
let dataDir: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--config') configPath = args[++i];
  else if (a.startsWith('--config=')) configPath = a.slice('--config='.length);
  else if (a === '--simulate') simulate = true;
  else if (a === '--port') port = Number(args[++i]);
  else if (a === '--data-dir') dataDir = args[++i];
  else usage(`Tham số không rõ ${a} / unknown argument ${a}`);
}
if (!configPath) usage('Thiếu --config (tệp cấu hình) / --config is required');
if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
  usage('--port cần một số cổng (0–65535) / --port needs a port number (0–65535)');

try {
  const config = loadConfig(configPath);
  const agent = await startAgent(config, {
    simulate,
    ...(port !== undefined ? { port } : {}),
    ...(dataDir ? { dataDir } : {}),
  });
  const who = `${config.device.id} (${config.device.kind})`;
  process.stdout.write(
    `Phần mềm thiết bị ${who} chạy tại ${agent.url} / device agent ${who} on ${agent.url}\n`,
  );
  const shutdown = () => {
    void agent.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (e) {
  if (e instanceof ConfigError) usage(e.message);
  const reason = e instanceof Error ? e.message : String(e);
  process.stderr.write(
    `Không khởi động được phần mềm thiết bị / the device agent could not start: ${reason}\n`,
  );
  process.exit(1);
}
