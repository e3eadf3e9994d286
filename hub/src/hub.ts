/**
 * One hub process: database (PGlite or PostgreSQL), broker (embedded aedes, or an external one shared
 * with other hub processes), an ingest worker, and HTTP. `startHub` is what `npm run hub` runs and
 * what the tests start.
 */
import { timingSafeEqual } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomSecret } from '@oss/queue-server/auth';
import { boundPort, startParts } from '@oss/queue-server/lifecycle';
import { createLogger, type Logger } from '@oss/queue-server/log';
import type { BrokerLimits } from '@oss/queue-server/mqtt-limits';
import type { FastifyInstance } from 'fastify';
import { checkSiteId, enrolSite, parseStaffArgs, setStaff } from './admin.ts';
import { HUB_USERNAME, type HubBroker, startHubBroker } from './broker.ts';
import { openDatabase } from './db.ts';
import { EnvError, type HubEnv } from './env.ts';
import { buildHubHttp } from './http.ts';
import { loadHubConfig } from './hub-config.ts';
import { IngestWorker } from './ingest.ts';
import { monthsFrom } from './partitions.ts';
import { SiteVerifier } from './site-auth.ts';
import { HubStore } from './store.ts';

/** The `events` partitions made ahead, checked daily (a batch's own months are made on arrival). */
const MONTHS_AHEAD = 2;
const DAY_MS = 86_400_000;

export interface RunningHub {
  env: HubEnv;
  store: HubStore;
  http: FastifyInstance;
  httpPort: number;
  /** Where this process's ingest worker connects (the embedded broker or the external one). */
  mqttUrl: string;
  broker: HubBroker | null;
  /** Site credentials at the embedded broker (null with an external one). */
  siteAuth: SiteVerifier | null;
  ingest: IngestWorker;
  stop(): Promise<void>;
}

export interface HubOptions {
  clock?: () => number;
  log?: Logger;
  appsDist?: string;
  /** The embedded broker's limits, over HUB_LIMITS (tests and the benchmark). */
  brokerLimits?: Partial<BrokerLimits>;
  /** Events the ingest worker may hold waiting, over `GROUP_LIMITS.queued` (tests). */
  ingestQueueLimit?: number;
}

/** Written in the data folder while a hub with the embedded database runs: how its CLIs reach it. */
export function controlFile(dataDir: string): string {
  return join(dataDir, 'control.json');
}
export const CONTROL_HEADER = 'x-oss-hub-control';

export async function startHub(env: HubEnv, options: HubOptions = {}): Promise<RunningHub> {
  const log = options.log ?? createLogger('hub');
  const clock = options.clock ?? Date.now;
  const settings = loadHubConfig(env.configFile);
  const db = await openDatabase({ url: env.databaseUrl, dataDir: env.dataDir });
  const stopped = () => log.info({}, 'hub stopped');
  return startParts(async (onStop) => {
    onStop(() => db.close());
    const store = new HubStore(db);
    const monthsAhead = () => store.partitions.ensure(monthsFrom(clock(), MONTHS_AHEAD));
    await monthsAhead();
    const ahead = setInterval(
      () => monthsAhead().catch((e) => log.warn({ err: String(e) }, 'creating the coming months failed')),
      DAY_MS,
    );
    onStop(() => clearInterval(ahead));
    let broker: HubBroker | null = null;
    let siteAuth: SiteVerifier | null = null;
    const hubPassword = randomSecret(24);
    if (!env.mqttUrl) {
      const verifier = new SiteVerifier((id) => store.findSite(id));
      siteAuth = verifier;
      broker = await startHubBroker({
        port: env.mqttPort,
        hubPassword,
        log,
        ...(options.brokerLimits ? { limits: options.brokerLimits } : {}),
        verifySite: (username, password) => verifier.verify(username, password),
      });
      onStop(() => broker!.close());
    }
    const mqttUrl = env.mqttUrl ?? `mqtt://127.0.0.1:${broker!.port}`;
    const ingest = new IngestWorker({
      url: mqttUrl,
      username: env.mqttUrl ? (env.mqttUsername ?? HUB_USERNAME) : HUB_USERNAME,
      ...(env.mqttUrl ? (env.mqttPassword ? { password: env.mqttPassword } : {}) : { password: hubPassword }),
      ...(env.mqttCa ? { ca: env.mqttCa } : {}),
      shared: env.mqttUrl !== null,
      store,
      log,
      clock,
      ...(options.ingestQueueLimit ? { queueLimit: options.ingestQueueLimit } : {}),
    });
    await ingest.start().catch((e) => {
      throw env.mqttUrl ? brokerLinkError(env.mqttUrl, e) : e;
    });
    onStop(() => ingest.stop());

    const http = await buildHubHttp({
      store,
      log,
      clock,
      secureCookies: env.secureCookies,
      settings,
      health: async () => ({ database: await store.ping().catch(() => false), broker: ingest.connected }),
      ...(options.appsDist ? { appsDist: options.appsDist } : {}),
    });
    const controlToken = env.databaseUrl ? null : randomSecret(32);
    if (controlToken) controlRoutes(http, store, env, controlToken, clock);
    await http.listen({ port: env.httpPort, host: env.httpHost });
    const httpPort = boundPort(http.server, env.httpPort);
    onStop(() => http.close());
    if (controlToken) {
      writeFileSync(controlFile(env.dataDir), JSON.stringify({ httpPort, token: controlToken }), {
        mode: 0o600,
      });
      onStop(() => rmSync(controlFile(env.dataDir), { force: true }));
    }

    const revocations = watchEnrolments(store, broker, clock, log);
    onStop(() => clearInterval(revocations));
    log.info({ http: httpPort, mqtt: mqttUrl, database: db.kind }, 'hub started');
    return { env, store, http, httpPort, mqttUrl, broker, siteAuth, ingest };
  }, stopped);
}

/** The external broker refused the hub at start: what to check, in words (main prints it). */
function brokerLinkError(url: string, e: Error & { code?: string | number }): EnvError {
  const reason = e.code === undefined ? e.message : `${e.code}: ${e.message}`;
  const hint = /CERT|SIGNATURE|ALTNAME|ISSUER/.test(String(e.code))
    ? {
        vi: 'chứng thư của broker không được tin cậy, kiểm tra OSS_HUB_MQTT_CA_FILE',
        en: 'the broker’s certificate is not trusted, check OSS_HUB_MQTT_CA_FILE',
      }
    : typeof e.code === 'number' // a CONNACK refusal
      ? {
          vi: 'broker từ chối, kiểm tra OSS_HUB_MQTT_USERNAME và OSS_HUB_MQTT_PASSWORD',
          en: 'refused by the broker, check OSS_HUB_MQTT_USERNAME and OSS_HUB_MQTT_PASSWORD',
        }
      : { vi: 'lỗi kết nối', en: 'connection failed' };
  return new EnvError(
    `Không kết nối được broker OSS_HUB_MQTT_URL ${url}: ${hint.vi} (${reason}) / ` +
      `cannot connect to the broker OSS_HUB_MQTT_URL ${url}: ${hint.en} (${reason})`,
  );
}

/** A re-enrolled site's old secret stops working at once: its open connections are dropped. */
function watchEnrolments(store: HubStore, broker: HubBroker | null, clock: () => number, log: Logger) {
  let seen = clock();
  return setInterval(() => {
    store.sitesEnrolledSince(seen).then(
      (sites) => {
        for (const s of sites) {
          seen = Math.max(seen, s.enrolled_at);
          broker?.dropStale(s.id, s.enrolled_at);
        }
      },
      (e) => log.warn({ err: String(e) }, 'enrolment check failed'),
    );
  }, 2000);
}

/** `hub:enroll` and `hub:staff` against a running hub that holds the embedded database. */
function controlRoutes(
  app: FastifyInstance,
  store: HubStore,
  env: HubEnv,
  token: string,
  clock: () => number,
) {
  const expected = Buffer.from(token);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/local/')) return;
    const given = Buffer.from(String(request.headers[CONTROL_HEADER] ?? ''));
    const local = request.socket.remoteAddress === '127.0.0.1' || request.socket.remoteAddress === '::1';
    if (!local || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      const text = { vi: 'Không có quyền', en: 'Forbidden' };
      return reply.status(403).send({ error: { code: 'forbidden', message: text.vi, text } });
    }
  });
  app.post('/api/local/enroll', async (request) =>
    enrolSite(store, env, checkSiteId((request.body as { site?: string })?.site), clock()),
  );
  app.post('/api/local/staff', async (request) => {
    const { username, role } = parseStaffArgs((request.body as { args?: string[] })?.args ?? []);
    return setStaff(store, username, role, clock());
  });
}
