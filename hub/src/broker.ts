/**
 * The hub's embedded MQTT broker (aedes), where sites connect. Each site signs in with its enrolment
 * credentials and may publish only its own feed, info and status, and read only its own acks.
 */
import { createServer, type Server } from 'node:net';
import { siteMayPublishToHub, siteMaySubscribeAtHub } from '@oss/protocol';
import { listenTcp } from '@oss/queue-server/lifecycle';
import type { Logger } from '@oss/queue-server/log';
import { Aedes, type AuthenticateError, type Client } from 'aedes';

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
  let clients: Record<string, SiteClient> = {};
  const broker = await Aedes.createBroker({
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
      options.verifySite(user, secret).then(
        (enrolledAt) => {
          if (enrolledAt === null) {
            log.warn({ clientId: client.id }, 'site refused: bad credentials');
            return done(refused(4), false);
          }
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
    socket.setNoDelay(true);
    broker.handle(socket);
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
