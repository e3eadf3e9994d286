/**
 * `npm run agent -- --config <file> [--simulate]`: runs the device agent. With `--simulate` every
 * device is simulated (printer, scanner, card reader, buttons, counter display, audio).
 * SIGTERM/SIGINT: status offline (retained), close devices and the outbox, exit 0.
 */
import { startAgent } from './agent.ts';
import { ConfigError, loadConfig } from './config.ts';

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run agent -- --config <file.yaml|file.json> [--simulate] [--port N] [--data-dir DIR]\n`,
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
  else usage(`unknown argument ${a}`);
}
if (!configPath) usage('--config is required');
if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
  usage('--port needs a port number');

try {
  const config = loadConfig(configPath);
  const agent = await startAgent(config, {
    simulate,
    ...(port !== undefined ? { port } : {}),
    ...(dataDir ? { dataDir } : {}),
  });
  process.stdout.write(`device agent ${config.device.id} (${config.device.kind}) on ${agent.url}\n`);
  const shutdown = () => {
    void agent.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (e) {
  if (e instanceof ConfigError) usage(e.message);
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
