/**
 * The embedded broker survives thousands of messages piled up inside it and released at once (the
 * hub's broker died of a stack overflow there: aedes' message queue was drained recursively).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../src/log.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../src/mqtt/broker.ts';
import { connectPacket, releasePiledUpDeliveries } from '../testing/raw-mqtt.ts';

const SERVER = { username: '_server', password: 'server-secret' };
let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    port: 0,
    host: '127.0.0.1',
    site: 'backlog-site',
    serverPassword: SERVER.password,
    verifyDevice: async () => null,
    log: silentLogger,
    limits: { maxConnectionsPerAddress: 4, connectBurst: 50 },
  });
});
afterAll(() => broker?.close());

it('delivers after tens of thousands of piled-up messages are released at once', async () => {
  expect(await releasePiledUpDeliveries(broker.port, (id) => connectPacket(id, SERVER))).toBe('still here');
}, 60_000);
