/**
 * The hub under benchmark, in its own process (so its RSS is its own): `npm run hub`'s `startHub`
 * with the embedded broker's per-address caps raised, since every simulated site connects from
 * 127.0.0.1. Prints `{"http":…,"mqtt":…}` once started.
 */
import { silentLogger } from '@oss/queue-server/log';
import { readHubEnv } from '../src/env.ts';
import { startHub } from '../src/hub.ts';

const hub = await startHub(readHubEnv(), {
  log: silentLogger,
  brokerLimits: { maxConnectionsPerAddress: 20_000, connectBurst: 20_000, connectsPerSecond: 10_000 },
});
process.stdout.write(`${JSON.stringify({ http: hub.httpPort, mqtt: hub.mqttUrl })}\n`);
process.once('SIGTERM', () => hub.stop().then(() => process.exit(0)));
