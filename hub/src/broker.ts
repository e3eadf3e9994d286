/**
 * The hub's embedded MQTT broker (aedes), where sites connect. Each site signs in with its enrolment
 * credentials and may publish only its own feed, info and status, and read only its own acks. The
 * site broker's limits apply (`@oss/queue-server/mqtt-limits`): packet sizes checked on the wire, caps
 * and a rate on connections, a CONNECT timeout, a back-off for wrong passwords.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { FEED_MAX_BATCH, siteMayPublishToHub, siteMaySubscribeAtHub } from '@oss/protocol';
import { listenTcp } from '@oss/queue-server/lifecycle';
import type { Logger } from '@oss/queue-server/log';
import {
  AEDES_DELIVERY,
  AuthBackoff,
  type BrokerLimits,
  ConnectionLimiter,
  DEFAULT_LIMITS,
  guardedConnection,
} from '@oss/queue-server/mqtt-limits';
import { Aedes, type AuthenticateError, type Client } from 'aedes';

/**
 * The site broker's defaults, but a packet holds a feed batch (up to FEED_MAX_BATCH events of at most
 * a few KB), and a province's sites, or the whole country's in the benchmark, may connect.
 */
export const HUB_LIMITS: BrokerLimits = {
  ...DEFAULT_LIMITS,
  maxPacketBytes: FEED_MAX_BATCH * 4 * 1024,
  maxConnections: 8192,
};

/** The hub's own ingest client; never a valid site id (underscore). */
export const HUB_USERNAME = '_hub';
const HUB_CLIENT_PREFIX = 'oss-hub-';

export interface HubBrokerOptions {
  port: number;
  host?: string;
  hubPassword: string;
  /** Checks a site's credentials (slow hash); the enrolment's time when they are right. */
  verifySite: (username: string, password: string) => Promise<number | null>;
  log: Logger;
  limits?: Partial<BrokerLimits>;
}

export interface HubBroker {
  port: number;
  /** Drops a site's connections made with a replaced secret. */
  dropStale(site: string, enrolledAt: number): void;
  close(): Promise<void>;
}

type SiteClient = Client & { site?: string; enrolledAt?: number };

function refused(code: 4 | 5): AuthenticateError {
  const error = new Error(code === 4 ? 'bad username or password' : 'not authorised') as AuthenticateError;
  error.returnCode = code;
  return error;
}

export async function startHubBroker(options: HubBrokerOptions): Promise<HubBroker> {
  const { log } = options;
  const limits = { ...HUB_LIMITS, ...options.limits };
  const connections = new ConnectionLimiter(limits);
  const backoff = {
    address: new AuthBackoff(limits.failuresPerAddress, limits.maxBackoffMs),
    site: new AuthBackoff(limits.failuresPerDevice, limits.maxBackoffMs),
  };
  /** The TCP socket behind each connection aedes holds (aedes sees the size-guarded stream). */
  const sockets = new WeakMap<object, Socket>();
  let clients: Record<string, SiteClient> = {};
  const broker = await Aedes.createBroker({
    ...AEDES_DELIVERY,
    connectTimeout: limits.connectTimeoutMs,
    authenticate(client: SiteClient, username, password, done) {
      const user = username ?? '';
      const secret = password?.toString('utf8') ?? '';
      if (user === HUB_USERNAME) {
        const ok = secret === options.hubPassword;
        return done(ok ? null : refused(4), ok);
      }
      // A site cannot take over the hub's session or another site's connected one.
      const holder = clients[client.id];
      if (client.id.startsWith(HUB_CLIENT_PREFIX) || (holder && holder.site !== user))
        return done(refused(5), false);
      const address = sockets.get(client.conn)?.remoteAddress ?? 'unknown';
      if (backoff.address.blocked(address) || backoff.site.blocked(user)) return done(refused(5), false);
      backoff.site.attempt(user);
      options.verifySite(user, secret).then(
        (enrolledAt) => {
          if (enrolledAt === null) {
            backoff.address.attempt(address);
            log.warn({ clientId: client.id, address }, 'site refused: bad credentials');
            return done(refused(4), false);
          }
          backoff.site.succeeded(user);
          client.site = user;
          client.enrolledAt = enrolledAt;
          done(null, true);
        },
        () => done(refused(4), false),
      );
    },
    authorizePublish(client: SiteClient | null, packet, done) {
      if (!client || client.site === undefined) return done(null); // the hub itself
      if (siteMayPublishToHub(client.site, packet.topic)) return done(null);
      log.warn({ site: client.site, topic: packet.topic }, 'publish refused by ACL');
      done(new Error('not authorised'));
    },
    authorizeSubscribe(client: SiteClient, subscription, done) {
      if (client.site === undefined || siteMaySubscribeAtHub(client.site, subscription.topic))
        return done(null, subscription);
      log.warn({ site: client.site, topic: subscription.topic }, 'subscription refused by ACL');
      done(null, null);
    },
  });
  clients = (broker as unknown as { clients: Record<string, SiteClient> }).clients;
  const server: Server = createServer((socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const admitted = connections.admit(address);
    if (admitted !== 'ok') {
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
  log.info({ port }, 'hub MQTT broker listening');
  return {
    port,
    dropStale(site, enrolledAt) {
      for (const client of Object.values(clients))
        if (client.site === site && client.enrolledAt !== enrolledAt) client.close();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close();
        broker.close(() => resolve());
      }),
  };
}

export function hubClientId(suffix: string): string {
  return `${HUB_CLIENT_PREFIX}${suffix}`;
}
