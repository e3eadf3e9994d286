/**
 * `npm run -s hub:enroll -- <siteId>` (PROTOCOL.md §5): registers a site with the hub (or gives it a
 * new secret, revoking the old) and prints `{"site","hubUrl","username","password"}` once. With
 * `OSS_HUB_MOSQUITTO_PASSWD` the secret also goes into that Mosquitto password file (docs/hub.md):
 * `--hub-user` gives the hub's own user a new secret there, `--mosquitto-acl` and `--mosquitto-conf`
 * print the broker's ACL and configuration.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { upsertMosquittoPassword } from '@oss/queue-server';
import { randomSecret } from '@oss/queue-server/auth';
import { checkSiteId, enrolSite, type SiteEnrolment, UsageError } from '../admin.ts';
import { HUB_USERNAME } from '../broker.ts';
import { type EnvError, type HubEnv, readHubEnv } from '../env.ts';
import { hubMosquittoAcl, hubMosquittoConf, parseMosquittoConfArgs } from '../mosquitto.ts';
import { runCommand } from './run.ts';

const args = process.argv.slice(2);

function passwordFilePath(env: HubEnv): string {
  if (env.mosquittoPasswordFile) return env.mosquittoPasswordFile;
  throw new UsageError(
    'Cần đặt OSS_HUB_MOSQUITTO_PASSWD (tệp mật khẩu của Mosquitto) / set OSS_HUB_MOSQUITTO_PASSWD (the Mosquitto password file)',
  );
}

/** The password file `hub:enroll` keeps, checked writable before anything changes. */
function passwordFile(env: HubEnv): string {
  const file = passwordFilePath(env);
  try {
    accessSync(existsSync(file) ? file : dirname(file), constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Không ghi được tệp OSS_HUB_MOSQUITTO_PASSWD "${file}" (${code}) / cannot write OSS_HUB_MOSQUITTO_PASSWD "${file}" (${code})`,
    );
  }
  return file;
}

/** The Mosquitto commands: no database involved. */
function mosquittoCommand(env: HubEnv): string {
  const [command, ...rest] = args;
  const hubUser = env.mqttUsername ?? HUB_USERNAME;
  if (command === '--mosquitto-acl' && rest.length === 0) return hubMosquittoAcl(hubUser);
  if (command === '--mosquitto-conf')
    return hubMosquittoConf(parseMosquittoConfArgs(rest, passwordFilePath(env)));
  if (command === '--hub-user' && rest.length === 0) {
    const user = { username: hubUser, password: randomSecret(24) };
    upsertMosquittoPassword(passwordFile(env), user.username, user.password);
    return `${JSON.stringify(user)}\n`;
  }
  throw new UsageError(
    'Cách dùng / usage: npm run -s hub:enroll -- <siteId> | --hub-user | --mosquitto-acl | --mosquitto-conf ' +
      '[--port N] [--host H] [--acl FILE] [--store DIR] [--tls-port N --certfile FILE --keyfile FILE]',
  );
}

try {
  const env = readHubEnv();
  if (args[0]?.startsWith('--')) {
    process.stdout.write(mosquittoCommand(env));
    process.exit(0);
  }
  if (args.length !== 1) checkSiteId(undefined);
  const siteId = checkSiteId(args[0]);
  const file = env.mosquittoPasswordFile ? passwordFile(env) : null;
  await runCommand<SiteEnrolment>(
    '/api/local/enroll',
    { site: siteId },
    (store) => enrolSite(store, env, siteId, Date.now()),
    (site) => {
      if (file) upsertMosquittoPassword(file, site.username, site.password);
    },
  );
} catch (e) {
  process.stderr.write(`${(e as UsageError | EnvError).message}\n`);
  process.exit(2);
}
