/**
 * The embedded MQTT broker (aedes, MQTT 3.1.1) used when no external broker is configured.
 * Devices authenticate with their enrolment credentials; the ACL is the protocol's, for live and
 * queued messages alike; a client id belonging to other credentials is refused (client-ids.ts);
 * sizes, connections and wrong passwords are bounded (limits.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import {
  deviceMayPublish,
  deviceMaySubscribe,
  isValidSegment,
  parseDeviceTopic,
  SERVER_USERNAME,
} from '@oss/protocol';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { PasswordCheckBusy } from '../auth/secrets.ts';
import { listenTcp } from '../lifecycle.ts';
import type { Logger } from '../log.ts';
import { ClientIdClaims } from './client-ids.ts';
import {
  AEDES_DELIVERY,
  AuthBackoff,
  type BrokerLimits,
  ConnectionLimiter,
  DEFAULT_LIMITS,
  guardedConnection,
} from './limits.ts';

export interface BrokerOptions {
  port: number;
  host?: string;
  site: string;
  serverPassword: string;
  /** Checks a device's enrolment credentials (slow hash); the enrolment's time when they are right. */
  verifyDevice: (username: string, password: string) => Promise<number | null>;
  log: Logger;
  limits?: Partial<BrokerLimits>;
}

export interface EmbeddedBroker {
  port: number;
  /** Drops a device's connections made with an older enrolment than `enrolledAt` (its secret was replaced). */
  dropStale(deviceId: string, enrolledAt: number): void;
  close(): Promise<void>;
}

type DeviceClient = Client & { deviceId?: string; enrolledAt?: number };

/** CONNACK return codes (MQTT 3.1.1 §3.2.2.3). */
const REFUSED = { identifier: 2, unavailable: 3, credentials: 4, notAuthorised: 5 } as const;

function refusal(code: number, message: string): AuthenticateError {
  const error = new Error(message) as AuthenticateError;
  error.returnCode = code as AuthenticateError['returnCode'];
  return error;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export async function startEmbeddedBroker(options: BrokerOptions): Promise<EmbeddedBroker> {
  const { site, log } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const claims = new ClientIdClaims();
  const connections = new ConnectionLimiter(limits);
  const backoff = {
    address: new AuthBackoff(limits.failuresPerAddress, limits.maxBackoffMs),
    device: new AuthBackoff(limits.failuresPerDevice, limits.maxBackoffMs),
  };
  /** The TCP socket behind each connection aedes holds (aedes sees the size-guarded stream). */
  const sockets = new WeakMap<object, Socket>();
  const serverSecret = digest(options.serverPassword);
  /** What an attacker can repeat without limit is logged once a minute per key, not per attempt. */
  const warnedAt = new Map<string, number>();
  const warnOnce = (key: string, fields: Record<string, unknown>, message: string) => {
    const now = Date.now();
    if (now - (warnedAt.get(key) ?? 0) < 60_000) return;
    if (warnedAt.size > 1000) warnedAt.clear();
    warnedAt.set(key, now);
    log.warn(fields, `${message} (logged once a minute)`);
  };

  /** Last step of a good sign-in: the client id must be free for these credentials. */
  function claimClientId(client: DeviceClient, owner: string): AuthenticateError | null {
    if (!claims.claim(client.id, owner, client.clean)) {
      log.warn(
        { user: owner, clientId: client.id.slice(0, 80) },
        'client id belongs to other credentials: refused',
      );
      return refusal(REFUSED.identifier, 'client id in use by other credentials');
    }
    const id = client.id;
    sockets.get(client.conn)?.once('close', () => claims.release(id, owner));
    return null;
  }

  function authenticateDevice(client: DeviceClient, user: string, secret: string, address: string) {
    if (!isValidSegment(user))
      return Promise.resolve(refusal(REFUSED.credentials, 'bad username or password'));
    if (backoff.address.blocked(address) || backoff.device.blocked(user)) {
      warnOnce(
        `backoff ${address}`,
        { device: user, address },
        'too many wrong passwords: refused without checking',
      );
      return Promise.resolve(refusal(REFUSED.notAuthorised, 'too many failed attempts, wait'));
    }
    // A device id is counted before its slow check, so parallel guesses at one id cannot race past
    // the threshold; an address only after a failure, since a whole site's devices may connect at
    // once from one address (a NAT, the demo) and the hash gate already bounds what a burst costs.
    backoff.device.attempt(user);
    return options.verifyDevice(user, secret).then(
      (enrolledAt) => {
        if (enrolledAt === null) {
          backoff.address.attempt(address);
          log.warn({ device: user, address }, 'device refused: bad credentials');
          return refusal(REFUSED.credentials, 'bad username or password');
        }
        backoff.device.succeeded(user);
        client.deviceId = user;
        client.enrolledAt = enrolledAt;
        return claimClientId(client, user);
      },
      (e: unknown) =>
        e instanceof PasswordCheckBusy
          ? refusal(REFUSED.unavailable, 'busy, try again')
          : refusal(REFUSED.credentials, 'bad username or password'),
    );
  }

  const broker = await Aedes.createBroker({
    ...AEDES_DELIVERY,
    connectTimeout: limits.connectTimeoutMs,
    authenticate(client: DeviceClient, username, password, done) {
      const user = username ?? '';
      const secret = password?.toString('utf8') ?? '';
      const address = sockets.get(client.conn)?.remoteAddress ?? 'unknown';
      const outcome =
        user === SERVER_USERNAME
          ? Promise.resolve(
              timingSafeEqual(digest(secret), serverSecret)
                ? claimClientId(client, user)
                : refusal(REFUSED.credentials, 'bad username or password'),
            )
          : authenticateDevice(client, user, secret, address);
      void outcome.then((error) => done(error, error === null));
    },
    authorizePublish(client: DeviceClient | null, packet, done) {
      // A retained request would be replayed to every new subscriber, ID numbers included.
      if (packet.retain && parseDeviceTopic(packet.topic)?.channel === 'req') {
        log.warn({ device: client?.deviceId, topic: packet.topic }, 'retained request refused');
        return done(new Error('requests must not be retained'));
      }
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
    // Also applies to messages queued in a stored session and sent when it reconnects.
    authorizeForward(client: DeviceClient, packet) {
      if (client.deviceId === undefined || deviceMaySubscribe(site, client.deviceId, packet.topic))
        return packet;
      log.warn({ device: client.deviceId, topic: packet.topic }, 'delivery refused by ACL');
      return null;
    },
  });
  // Small request/response packets: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms per round trip.
  const server: Server = createServer((socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const admitted = connections.admit(address);
    if (admitted !== 'ok') {
      warnOnce(`refused ${address}`, { address }, `connection refused: ${admitted}`);
      socket.destroy();
      return;
    }
    socket.once('close', () => connections.closed(address));
    socket.setNoDelay(true);
    const conn = guardedConnection(socket, limits, (e) =>
      log.warn({ address, err: e.message }, 'connection dropped'),
    );
    sockets.set(conn, socket);
    broker.handle(conn);
  });
  const port = await listenTcp(server, options.port, options.host);
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
