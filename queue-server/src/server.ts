/**
 * One site server: configuration, database, broker (embedded or external), MQTT gateway and HTTP.
 * `startServer` is what `npm start` runs and what the integration tests start.
 */
import type { StaffRole } from '@oss/protocol';
import type { SiteConfig } from '@oss/queue-server/core';
import { compileSite } from '@oss/queue-server/core';
import type { FastifyInstance } from 'fastify';
import { hashPassword, randomSecret, verifyPassword } from './auth/secrets.ts';
import { loadSiteConfig } from './config/load.ts';
import { deviceMqttUrl, type ServerEnv } from './env.ts';
import { startFeed } from './feed/index.ts';
import { buildHttpApp } from './http/app.ts';
import { endAllStreams } from './http/stream.ts';
import { boundPort, startParts } from './lifecycle.ts';
import { createLogger, type Logger } from './log.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './mqtt/broker.ts';
import { MqttGateway } from './mqtt/gateway.ts';
import { QueueService } from './queue-service.ts';
import { Reminders } from './reminders.ts';
import { type SmsGateway, smsGatewayOf } from './sms.ts';
import { keyFingerprint, loadCitizenKey } from './storage/citizen-key.ts';
import { Store } from './storage/store.ts';

export interface RunningServer {
  env: ServerEnv;
  config: SiteConfig;
  service: QueueService;
  http: FastifyInstance;
  httpPort: number;
  mqttUrl: string;
  broker: EmbeddedBroker | null;
  gateway: MqttGateway;
  /** The SMS gateway of appointment reminders (site config `sms`), null when they are off. */
  sms: SmsGateway | null;
  reminders: Reminders | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: () => number;
  log?: Logger;
  appsDist?: string;
}

/** Demo staff accounts; created only for a demo site with no staff yet. Documented in the README. */
export const DEMO_STAFF: { username: string; displayName: string; role: StaffRole; password: string }[] = [
  { username: 'admin', displayName: 'Quản trị viên', role: 'admin', password: 'demo-admin' },
  { username: 'manager', displayName: 'Trưởng bộ phận một cửa', role: 'manager', password: 'demo-manager' },
  ...Array.from({ length: 8 }, (_, i) => ({
    username: `officer${i + 1}`,
    displayName: `Cán bộ quầy ${i + 1}`,
    role: 'officer' as const,
    password: 'demo-officer',
  })),
];

export async function startServer(env: ServerEnv, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger('queue-server');
  const clock = options.clock ?? Date.now;
  const config = loadSiteConfig(env.siteConfig);
  const site = compileSite(config);
  const stopped = () => log.info({}, 'site server stopped');
  return startParts(async (onStop) => {
    const store = Store.open(env.dataDir);
    onStop(() => store.close());
    const citizenKey = openCitizenKey(env, store, log);
    const service = new QueueService(site, store, clock, log, citizenKey);
    onStop(() => service.close());
    seedStaff(store, config, clock(), log);

    let broker: EmbeddedBroker | null = null;
    const serverPassword = randomSecret(24);
    if (!env.mqttUrl) {
      broker = await startEmbeddedBroker({
        port: env.mqttPort,
        site: site.id,
        serverPassword,
        log,
        verifyDevice: async (username, password) => {
          const device = store.findDevice(username);
          return device && (await verifyPassword(password, device.password_hash)) ? device.enrolled_at : null;
        },
      });
      onStop(() => broker!.close());
    }
    const mqttUrl = env.mqttUrl ?? `mqtt://127.0.0.1:${broker!.port}`;
    const gateway = new MqttGateway({
      url: mqttUrl,
      service,
      log,
      ...(env.mqttUrl
        ? {
            ...(env.mqttUsername ? { username: env.mqttUsername } : {}),
            ...(env.mqttPassword ? { password: env.mqttPassword } : {}),
          }
        : { password: serverPassword }),
    });
    await gateway.start();
    onStop(() => gateway.stop());

    const storageWritable = throttled(() => store.probeWrite(), HEALTH_PROBE_EVERY_MS);
    const http = await buildHttpApp({
      service,
      log,
      health: () => ({
        database: storageWritable(),
        // The embedded broker runs in this process; an external one is known by the link to it.
        broker: broker !== null || gateway.connected,
        gateway: gateway.connected,
      }),
      secureCookies: env.secureCookies,
      siteConfigFile: env.siteConfig,
      ...(options.appsDist ? { appsDist: options.appsDist } : {}),
    });
    await http.listen({ port: env.httpPort, host: env.httpHost });
    const httpPort = boundPort(http.server, env.httpPort);
    onStop(async () => {
      endAllStreams();
      await http.close();
    });

    if (env.hub) {
      const feed = startFeed(env.hub, service, log);
      onStop(() => feed.stop());
    }

    const sms = config.sms ? smsGatewayOf(config.sms) : null;
    const reminders =
      config.sms && sms
        ? new Reminders({
            site: service.site,
            rules: config.sms,
            visits: service.visits,
            gateway: sms,
            clock,
            log,
          })
        : null;
    if (reminders) {
      reminders.start();
      onStop(() => reminders.stop());
    }

    const timers = startTimers(service, broker, store, clock, log);
    onStop(() => timers.forEach(clearInterval));
    log.info({ http: httpPort, mqtt: mqttUrl, site: site.id, data: env.dataDir }, 'site server started');
    return {
      env,
      config,
      service,
      http,
      httpPort,
      mqttUrl: env.mqttUrl ? deviceMqttUrl(env) : mqttUrl,
      broker,
      gateway,
      sms,
      reminders,
    };
  }, stopped);
}

/** The citizen-hash key from its file, with a warning when it is not the one that made the stored hashes. */
function openCitizenKey(env: ServerEnv, store: Store, log: Logger): Buffer {
  for (const path of store.tightened)
    log.warn({ path }, 'data folder was readable by others: mode tightened to 0700/0600');
  const { key, created, tightened } = loadCitizenKey(env.citizenKeyFile);
  if (tightened) log.warn({ path: env.citizenKeyFile }, 'citizen key file mode tightened to 0600');
  if (created)
    log.info({ path: env.citizenKeyFile }, 'citizen key file created: keep a copy apart from backups');
  const fingerprint = keyFingerprint(key);
  const before = store.meta(KEY_FINGERPRINT);
  if (before && before !== fingerprint)
    log.warn(
      { path: env.citizenKeyFile },
      'citizen key differs from the one of the stored hashes: earlier hashes will not match',
    );
  if (before !== fingerprint) store.setMeta(KEY_FINGERPRINT, fingerprint);
  return key;
}

const KEY_FINGERPRINT = 'citizen-key-fingerprint';

/** /api/health is public and each write probe is an fsync: at most one probe this often. */
const HEALTH_PROBE_EVERY_MS = 1000;

function throttled(check: () => boolean, everyMs: number): () => boolean {
  let last = { at: Number.NEGATIVE_INFINITY, ok: false };
  return () => {
    const now = performance.now();
    if (now - last.at >= everyMs) last = { at: now, ok: check() };
    return last.ok;
  };
}

function seedStaff(store: Store, config: SiteConfig, now: number, log: Logger): void {
  if (store.countStaff() > 0) return;
  if (!config.demo) {
    log.warn({}, 'no staff accounts yet: create one with `npm run staff -- add <username> --role admin`');
    return;
  }
  // One hash per distinct demo password keeps the first start quick.
  const hashes = new Map<string, string>();
  for (const s of DEMO_STAFF) {
    if (!hashes.has(s.password)) hashes.set(s.password, hashPassword(s.password));
    store.upsertStaff({
      username: s.username,
      display_name: s.displayName,
      role: s.role,
      password_hash: hashes.get(s.password)!,
      created_at: now,
    });
  }
  log.info({ accounts: DEMO_STAFF.length }, 'demo staff accounts created (see README)');
}

/** Midnight rollover, revocation of replaced device secrets, pruning old idempotency records and booking phones. */
function startTimers(
  service: QueueService,
  broker: EmbeddedBroker | null,
  store: Store,
  clock: () => number,
  log: Logger,
): NodeJS.Timeout[] {
  let enrolmentsSeen = clock();
  const revoke = setInterval(() => {
    try {
      const changed = store.devicesEnrolledSince(enrolmentsSeen);
      for (const d of changed) {
        enrolmentsSeen = Math.max(enrolmentsSeen, d.enrolled_at);
        broker?.dropStale(d.id, d.enrolled_at);
      }
    } catch (e) {
      log.warn({ err: String(e) }, 'enrolment check failed');
    }
  }, 2000);
  const daily = setInterval(() => {
    service.tick();
    try {
      store.pruneResponses(clock() - 7 * 24 * 3_600_000);
      service.visits.forgetPhonesBefore(service.core.state.day);
    } catch (e) {
      log.warn({ err: String(e) }, 'pruning failed');
    }
  }, 60_000);
  return [revoke, daily];
}
