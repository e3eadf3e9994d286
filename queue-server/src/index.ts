/**
 * The site server's public entry: what the CLIs, provisioning, benchmarks and other packages' tests
 * may use. The pure core is `@oss/queue-server/core`, the simulator `@oss/queue-server/sim`, the
 * helpers that start a real server for tests `@oss/queue-server/testing`.
 */
export { hashPassword } from './auth/secrets.ts';
export { BackupError, backup, parseBackupArgs, restore } from './cli/backup.ts';
export { enroll, parseEnrollArgs, UsageError } from './cli/enroll.ts';
export { ConfigError, type ConfigProblem, loadSiteConfig, parseSiteConfig } from './config/load.ts';
export { deviceMqttUrl, EnvError, readEnv, type ServerEnv } from './env.ts';
export { createLogger, type Logger, silentLogger } from './log.ts';
export { connectDevice, type DeviceClient } from './mqtt/device-client.ts';
export {
  type MosquittoConfOptions,
  mosquittoAcl,
  mosquittoConf,
  mosquittoPasswordLine,
  upsertMosquittoPassword,
} from './mqtt/mosquitto.ts';
export { APPS_DIST, DEMO_SITE_CONFIG, QUEUE_SERVER_ROOT, REPO_ROOT } from './paths.ts';
export { DEMO_STAFF, type RunningServer, type StartOptions, startServer } from './server.ts';
export { databasePath } from './storage/store.ts';
