/**
 * `npm run demo:province`: a province hub (embedded broker and database) and three ward sites, each
 * one `npm run demo` (a real site server, simulated devices and citizens over real MQTT) feeding the
 * hub. Prints the province app's address, a manager's sign-in and the sites' addresses.
 * `--ports 0` gives the sites free ports (tests); otherwise HTTP 8081–8083 and MQTT 1893–1895.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEMO_SITE_CONFIG, REPO_ROOT } from '@oss/queue-server';
import { stopOnSignals } from '@oss/queue-server/lifecycle';
import { createLogger } from '@oss/queue-server/log';
import { enrolSite, setStaff } from '../admin.ts';
import { EnvError, readHubEnv } from '../env.ts';
import { startHub } from '../hub.ts';

const SITES = [
  { id: 'phuong-ben-thanh', vi: 'phường Bến Thành', en: 'Ben Thanh Ward' },
  { id: 'phuong-sai-gon', vi: 'phường Sài Gòn', en: 'Sai Gon Ward' },
  { id: 'xa-binh-chanh', vi: 'xã Bình Chánh', en: 'Binh Chanh Commune' },
];

const log = createLogger('demo-province');
const args = process.argv.slice(2);
const freePorts = args.join(' ').includes('--ports 0');

/** The demo site's configuration under another id and name. */
function siteConfig(site: (typeof SITES)[number]): string {
  return readFileSync(DEMO_SITE_CONFIG, 'utf8')
    .replace(/^ {2}id: demo$/m, `  id: ${site.id}`)
    .replace(
      'vi: Trung tâm Phục vụ hành chính công phường Bến Thành',
      `vi: Trung tâm Phục vụ hành chính công ${site.vi}`,
    )
    .replace(
      'en: Ben Thanh Ward Public Administrative Service Centre',
      `en: ${site.en} Public Administrative Service Centre`,
    );
}

/** One `npm run demo` for `site`, feeding the hub; resolves with its status page's address. */
function startSite(
  site: (typeof SITES)[number],
  i: number,
  dir: string,
  hub: { url: string; username: string; password: string },
): { child: ChildProcess; url: Promise<string> } {
  const dataDir = join(dir, site.id);
  mkdirSync(dataDir, { recursive: true });
  const config = join(dataDir, 'site.yaml');
  writeFileSync(config, siteConfig(site));
  // The announcements' images sit beside the site file.
  cpSync(join(dirname(DEMO_SITE_CONFIG), 'media'), join(dataDir, 'media'), { recursive: true });
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'queue-server/src/demo.ts'), '--no-agents', '--rate', '4'],
    {
      env: {
        ...process.env,
        OSS_DATA_DIR: dataDir,
        OSS_SITE_CONFIG: config,
        OSS_HTTP_PORT: freePorts ? '0' : String(8081 + i),
        OSS_MQTT_PORT: freePorts ? '0' : String(1893 + i),
        OSS_HUB_URL: hub.url,
        OSS_HUB_USERNAME: hub.username,
        OSS_HUB_PASSWORD: hub.password,
        OSS_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = new Promise<string>((resolveUrl, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /(http:\/\/localhost:\d+\/)/.exec(seen);
      if (m) resolveUrl(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the site ${site.id} stopped (${code})`)));
  });
  return { child, url };
}

async function main(): Promise<void> {
  const dir = resolve(process.env.OSS_DEMO_DIR || './demo-province');
  const env = readHubEnv({ OSS_HUB_DATA_DIR: join(dir, 'hub'), ...process.env });
  const hub = await startHub(env, { log: createLogger('hub', 'warn') });
  const manager = await setStaff(hub.store, 'tinh', 'manager', Date.now());
  const sites: ({ site: (typeof SITES)[number] } & ReturnType<typeof startSite>)[] = [];
  for (const [i, site] of SITES.entries()) {
    const creds = await enrolSite(hub.store, env, site.id, Date.now());
    sites.push({ site, ...startSite(site, i, dir, { url: hub.mqttUrl, ...creds }) });
  }
  const stop = async () => {
    await Promise.all(
      sites.map(
        ({ child }) =>
          new Promise((r) => {
            if (child.exitCode !== null) return r(null);
            child.once('exit', r);
            child.kill('SIGTERM');
          }),
      ),
    );
    await hub.stop();
  };
  stopOnSignals(stop, log);
  const urls = await Promise.all(sites.map((s) => s.url));
  process.stdout.write(
    `\nTrình diễn cấp tỉnh / Province demo: hub và ${sites.length} trung tâm / a hub and ${sites.length} sites\n` +
      `  http://localhost:${hub.httpPort}/province  (hub tỉnh / province hub)\n` +
      `  đăng nhập / sign in: ${manager.username} / ${manager.password}\n` +
      sites.map((s, i) => `  ${urls[i]}  (${s.site.id})\n`).join('') +
      `  Ctrl+C: dừng / stop\n\n`,
  );
}

main().catch((e) => {
  if (e instanceof EnvError) process.stderr.write(`${e.message}\n`);
  else log.error({ err: String(e) }, 'could not start');
  process.exit(1);
});
