/**
 * The hub's broker survives thousands of messages piled up inside it and released at once: it died
 * of a stack overflow there when 3,300 sites closed at the end of the benchmark (aedes' message
 * queue was drained recursively).
 */
import { silentLogger } from '@oss/queue-server/log';
import { connectPacket, releasePiledUpDeliveries } from '@oss/queue-server/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HUB_USERNAME, type HubBroker, startHubBroker } from '../src/broker.ts';

const HUB = { username: HUB_USERNAME, password: 'hub-secret' };
let broker: HubBroker;

beforeAll(async () => {
  broker = await startHubBroker({
    port: 0,
    host: '127.0.0.1',
    hubPassword: HUB.password,
    verifySite: async () => null,
    log: silentLogger,
  });
});
afterAll(() => broker?.close());

it('delivers after tens of thousands of piled-up messages are released at once', async () => {
  expect(await releasePiledUpDeliveries(broker.port, (id) => connectPacket(id, HUB))).toBe('still here');
}, 60_000);
