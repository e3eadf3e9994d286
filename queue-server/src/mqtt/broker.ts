/**
 * The embedded MQTT broker (aedes, MQTT 3.1.1) used when no external broker is configured.
 * Devices authenticate with their enrolment credentials; the ACL is the protocol's.
 */
import { createServer, type Server } from 'node:net';
import { deviceMayPublish, deviceMaySubscribe, SERVER_USERNAME } from '@oss/protocol';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from '../log.ts';

export interface BrokerOptions {
  port: number;
  host?: string;
  site: string;
  serverPassword: string;
  /** Checks a device's enrolment credentials (slow hash); the enrolment's time when they are right. */
  verifyDevice: (username: string, password: string) => Promise<number | null>;
  log: Logger;
}

export interface EmbeddedBroker {
  port: number;
  /** Drops a device's connections made with an older enrolment than `enrolledAt` (its secret was replaced). */
  dropStale(deviceId: string, enrolledAt: number): void;
  close(): Promise<void>;
}

type DeviceClient = Client & { deviceId?: string; enrolledAt?: number };

function authError(): AuthenticateError {
  const error = new Error('bad username or password') as AuthenticateError;
  error.returnCode = 4;
  return error;
}

export async function startEmbeddedBroker(options: BrokerOptions): Promise<EmbeddedBroker> {
  const { site, log } = options;
  const broker = await Aedes.createBroker({
    authenticate(client: DeviceClient, username, password, done) {
      const user = username ?? '';
      const secret = password?.toString('utf8') ?? '';
      if (user === SERVER_USERNAME) {
        done(secret === options.serverPassword ? null : authError(), secret === options.serverPassword);
        return;
      }
      options.verifyDevice(user, secret).then(
        (enrolledAt) => {
          if (enrolledAt !== null) {
            client.deviceId = user;
            client.enrolledAt = enrolledAt;
          } else log.warn({ clientId: client.id }, 'device refused: bad credentials');
          done(enrolledAt !== null ? null : authError(), enrolledAt !== null);
        },
        () => done(authError(), false),
      );
    },
    authorizePublish(client: DeviceClient | null, packet, done) {
      if (!client || client.deviceId === undefined) return done(null); // the server itself
      if (deviceMayPublish(site, client.deviceId, packet.topic)) return done(null);
      log.warn({ device: client.deviceId, topic: packet.topic }, 'publish refused by ACL');
      done(new Error('not authorised'));
    },
    authorizeSubscribe(client: DeviceClient, subscription, done) {
      if (client.deviceId === undefined || deviceMaySubscribe(site, client.deviceId, subscription.topic))
        return done(null, subscription);
      log.warn({ device: client.deviceId, topic: subscription.topic }, 'subscription refused by ACL');
      done(null, null);
    },
  });
  // Small request/response packets: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms per round trip.
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info({ port }, 'embedded MQTT broker listening');

  return {
    port,
    dropStale(deviceId, enrolledAt) {
      const clients = (broker as unknown as { clients: Record<string, DeviceClient> }).clients;
      for (const client of Object.values(clients))
        if (client.deviceId === deviceId && client.enrolledAt !== enrolledAt) {
          log.info({ device: deviceId }, 'connection with a replaced secret dropped');
          client.close();
        }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close();
        broker.close(() => resolve());
      }),
  };
}
