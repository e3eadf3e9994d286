/**
 * The demo inventory rendered and checked with Debian's own tools: cloud-init's schema check and
 * network parser, shellcheck, systemd-analyze verify; the agent configs load in the device agent.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@oss/device-agent';
import { ConfigError } from '@oss/protocol/config';
import { readEnv } from '@oss/queue-server';
import { applyLineEdits, lineEdits, tempDir, yamlAliasBomb } from '@oss/tests';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAll, renderAll, writeFiles } from '../src/cli.ts';
import { checkInventory, loadInventory } from '../src/inventory.ts';
import { renderServer } from '../src/server.ts';

const run = promisify(execFile);
const has = async (tool: string) =>
  run('which', [tool]).then(
    () => true,
    () => false,
  );
const tools = {
  cloudInit: await has('cloud-init'),
  shellcheck: await has('shellcheck'),
  systemd: await has('systemd-analyze'),
};
if (process.env.CI && !Object.values(tools).every(Boolean))
  throw new Error(`CI must install cloud-init, shellcheck and systemd: ${JSON.stringify(tools)}`);

const INVENTORY = join(import.meta.dirname, '../examples/demo-inventory.yaml');
const dir = tempDir('oss-prov-');
const out = join(dir.path, 'out');
const server = join(dir.path, 'server');
const inv = loadInventory(INVENTORY);

beforeAll(() => {
  const creds = join(dir.path, 'creds');
  enrollAll(inv, creds, readEnv({ OSS_DATA_DIR: join(dir.path, 'data') }));
  renderAll(inv, out, creds);
  writeFiles(server, renderServer(inv));
});
afterAll(() => dir.remove());

const deviceFiles = (name: string) =>
  inv.devices.map((d) => join(out, d.id, name)).filter((f) => statSync(f, { throwIfNoEntry: false }));

describe('the inventory', () => {
  it('has 2 kiosks, 8 counters and 1 display', () => {
    const kinds = inv.devices.map((d) => d.kind);
    expect(kinds.filter((k) => k === 'kiosk')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'counter')).toHaveLength(8);
    expect(kinds.filter((k) => k === 'display')).toHaveLength(1);
  });

  it.each([
    ['kind', { id: 'kiosk-9', kind: 'printer' }, 'devices.kiosk-9.kind'],
    ['hostname', { id: 'kiosk-9', kind: 'kiosk', hostname: 'Bad_Host' }, 'devices.kiosk-9.hostname'],
    ['counter', { id: 'counter-9', kind: 'counter' }, 'devices.counter-9.counter'],
    [
      'hardware',
      { id: 'kiosk-9', kind: 'kiosk', hardware: { printer: 'laser' } },
      'devices.kiosk-9.hardware.printer',
    ],
    [
      'network',
      { id: 'kiosk-9', kind: 'kiosk', network: { address: '10.0.0.5/24' } },
      'devices.kiosk-9.network.gateway',
    ],
    ['id', { id: 'Kiosk 9', kind: 'kiosk' }, 'devices.0.id'],
  ])('names the field when %s is wrong', (_name, device, field) => {
    const raw = { site: { ...inv.site }, devices: [device] };
    let error: unknown;
    try {
      checkInventory(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toMatch(/Tệp kiểm kê|Thiết bị|Địa chỉ|Chỉ/);
  });

  it('refuses a duplicate device id', () => {
    expect(() => checkInventory({ ...inv, devices: [inv.devices[0], inv.devices[0]] })).toThrow(
      /^Tệp kiểm kê không hợp lệ \/ invalid inventory:\n {2}devices\.kiosk-1\.id: Trùng mã thiết bị "kiosk-1" \/ duplicate device id "kiosk-1"$/,
    );
  });
});

describe('the inventory loader under fuzzing', () => {
  it('refuses an unknown tag, a dangling alias and an alias bomb', () => {
    const file = join(dir.path, 'tags.yaml');
    for (const text of ['site: !env SITE\n', 'site: *nowhere\n', yamlAliasBomb()]) {
      writeFileSync(file, text);
      expect(() => loadInventory(file), text.slice(0, 20)).toThrow(ConfigError);
      expect(() => loadInventory(file)).toThrow(/Unresolved tag|Unresolved alias|Excessive alias count/);
    }
  });

  it('the demo inventory with random lines cut, duplicated or garbled gives only ConfigErrors', () => {
    const text = readFileSync(INVENTORY, 'utf8');
    const file = join(dir.path, 'fuzz.yaml');
    fc.assert(
      fc.property(lineEdits, (edits) => {
        writeFileSync(file, applyLineEdits(text, edits));
        try {
          loadInventory(file);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          expect(e.problems.every((p) => / \/ /.test(p.message))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the CLI', () => {
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../src/cli.ts'), ...args]).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        out: e.stdout,
        err: e.stderr,
      }),
    );

  it('checks an inventory, and names the field of a bad one with exit code 2', async () => {
    expect(await cli(['check', INVENTORY])).toMatchObject({
      code: 0,
      out: 'Hợp lệ: 11 thiết bị / ok: 11 devices\n',
    });
    const bad = join(dir.path, 'bad.yaml');
    writeFileSync(
      bad,
      readFileSync(INVENTORY, 'utf8').replace('printer: usb, paper: 80mm', 'printer: laser, paper: 80mm'),
    );
    const result = await cli(['check', bad]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /^Tệp kiểm kê không hợp lệ .*bad\.yaml \/ invalid inventory .*bad\.yaml:\n {2}.*bad\.yaml:\d+ devices\.kiosk-1\.hardware\.printer: Tệp kiểm kê sai ở "devices\.kiosk-1\.hardware\.printer": .* \/ inventory field "devices\.kiosk-1\.hardware\.printer" is invalid: /,
    );
    // render refuses a device without its enrolment file.
    const missing = await cli([
      'render',
      INVENTORY,
      '--credentials',
      join(dir.path, 'none'),
      '--out',
      join(dir.path, 'x'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(
      /^Thiếu thông tin đăng ký .*kiosk-1\.json.* \/ missing enrolment .*kiosk-1\.json/,
    );
    const usage = await cli(['check']);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/^Cách dùng: npm run provision -- .*\nUsage: npm run provision -- /);
  }, 30_000);
});

describe('the rendered files', () => {
  it('agent configs load in the device agent, with the secret in a 0600 file', () => {
    for (const d of inv.devices) {
      const file = join(out, d.id, 'oss/agent.yaml');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const config = loadConfig(file);
      expect(config.device).toMatchObject({ id: d.id, kind: d.kind, site: 'demo' });
      expect(config.credentials.mqttUrl).toBe(inv.site.mqttUrl);
      expect(config.dataDir).toBe('/var/lib/oss-agent');
    }
  });

  it('kiosk session, udev rules, GPIO pull-ups, fonts and clips are in place', () => {
    const kiosk = readFileSync(join(out, 'kiosk-1/oss/oss-kiosk'), 'utf8');
    expect(kiosk).toContain('curl -fsS --max-time 2 "$URL/health"');
    expect(kiosk).toContain(
      '--kiosk --noerrdialogs --disable-infobars --no-first-run --disable-session-crashed-bubble --password-store=basic --disable-pinch --overscroll-history-navigation=0',
    );
    expect(readFileSync(join(out, 'kiosk-2/oss/oss-kiosk-session.service'), 'utf8')).toContain(
      '/usr/bin/cage',
    );
    const udev = readFileSync(join(out, 'kiosk-2/oss/99-oss.rules'), 'utf8');
    expect(udev).toContain('KERNEL=="lp[0-9]*", GROUP="lp"');
    expect(udev).toContain('ENV{ID_MM_DEVICE_IGNORE}="1"');
    expect(udev).toContain('SUBSYSTEM=="hidraw"');
    expect(udev).toMatch(/ATTRS\{idVendor\}=="0c2e".*ENV\{LIBINPUT_IGNORE_DEVICE\}="1"/);
    expect(readFileSync(join(out, 'counter-3/oss/config.txt.oss'), 'utf8')).toContain(
      'gpio=5,6,13,17,19,22,26,27=ip,pu',
    );
    expect(readdirSync(join(out, 'kiosk-1/oss/fonts'))).toContain('BeVietnamPro-Regular.ttf');
    expect(readdirSync(join(out, 'display-1/oss/audio/vi')).length).toBeGreaterThan(40);
    const unit = readFileSync(join(out, 'kiosk-1/oss/oss-agent.service'), 'utf8');
    for (const line of [
      'Restart=always',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/oss-agent',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'SupplementaryGroups=gpio dialout lp input plugdev audio video',
      'Environment=MALLOC_ARENA_MAX=2',
      'Environment=GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536',
      '--max-semi-space-size=1 --max-old-space-size=48 --expose-gc',
    ])
      expect(unit).toContain(line);
    // A counter may run the emotion model, which needs a bigger heap.
    expect(readFileSync(join(out, 'counter-1/oss/oss-agent.service'), 'utf8')).toContain(
      '--max-old-space-size=96',
    );
    const install = readFileSync(join(out, 'kiosk-1/oss/install.sh'), 'utf8');
    expect(install).toContain(
      'install -m 0600 -o "$AGENT_USER" -g "$AGENT_USER" "$SRC/agent.yaml" /etc/oss/agent.yaml',
    );
    expect(install).toContain('raspi-config nonint do_blanking 1');
    expect(install).toContain(
      'sed -i "s/^#\\\\?autologin-user=.*/autologin-user=$KIOSK_USER/" /etc/lightdm/lightdm.conf',
    );
    expect(readFileSync(join(out, 'kiosk-1/oss/labwc-autostart'), 'utf8')).toContain(
      '/usr/local/bin/oss-kiosk',
    );
  });

  it.skipIf(!tools.cloudInit)(
    'cloud-init accepts every user-data and parses every network-config',
    async () => {
      for (const f of deviceFiles('user-data')) {
        const { stdout } = await run('cloud-init', ['schema', '--config-file', f]);
        expect(stdout).toContain('Valid cloud-config');
      }
      const script = `
import sys, yaml
from cloudinit.net import network_state
for f in sys.argv[1:]:
    ns = network_state.parse_net_config_data(yaml.safe_load(open(f))["network"])
    print(f, ",".join(i["name"] for i in ns.iter_interfaces()))
`;
      const { stdout } = await run('/usr/bin/python3', ['-c', script, ...deviceFiles('network-config')]);
      expect(stdout.trim().split('\n')).toHaveLength(inv.devices.length);
      expect(stdout).toContain('eth0');
    },
  );

  it("the installer carries each device's values, as bash reads them", async () => {
    const valuesOf = async (id: string) => {
      const script = `source <(sed -n '/^# oss-values-begin/,/^# oss-values-end/p' "$1"); echo "$DEVICE_ID|$DEVICE_KIND|$SESSION|$AGENT_USER|$KIOSK_USER|$AGENT_GROUPS"`;
      return (await run('bash', ['-c', script, 'bash', join(out, id, 'oss/install.sh')])).stdout.trim();
    };
    expect(await valuesOf('kiosk-1')).toBe(
      'kiosk-1|kiosk|desktop|oss-agent|oss-kiosk|gpio dialout lp input plugdev audio video',
    );
    expect(await valuesOf('counter-1')).toMatch(/^counter-1\|counter\|none\|/);
  });

  it.skipIf(!tools.shellcheck)('shellcheck finds nothing in the scripts', async () => {
    const scripts = [
      ...deviceFiles('firstrun.sh'),
      ...deviceFiles('oss/install.sh'),
      ...deviceFiles('oss/oss-kiosk'),
      join(server, 'install-server.sh'),
      join(import.meta.dirname, '../scripts/install.sh'),
    ];
    expect(scripts.length).toBeGreaterThan(20);
    const result = await run('shellcheck', ['-s', 'bash', ...scripts]).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    expect(result).toBe('');
  });

  it.skipIf(!tools.systemd)(
    'systemd-analyze verify accepts every unit without a warning',
    async () => {
      // verify checks that ExecStart exists: point the Pi-only binaries at ones that exist here.
      const units = [
        join(out, 'kiosk-1/oss/oss-agent.service'),
        join(out, 'counter-1/oss/oss-agent.service'),
        join(out, 'kiosk-2/oss/oss-kiosk-session.service'),
        ...readdirSync(server)
          .filter((f) => /\.(service|timer|path)$/.test(f))
          .map((f) => join(server, f)),
      ];
      const check = join(dir.path, 'verify');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(check, { recursive: true });
      const copies = units.map((u, i) => {
        const name = `${i}-${basename(u)}`.replace(
          /^\d+-(oss-(?:queue-server|backup|mosquitto-reload))/,
          '$1',
        );
        const text = readFileSync(u, 'utf8')
          .replaceAll('/opt/oss/node/bin/node', process.execPath)
          .replaceAll('/usr/bin/node', process.execPath)
          .replaceAll('/usr/bin/cage', '/bin/true')
          .replaceAll('/opt/oss/app/node_modules/.bin/tsx', '/bin/true');
        const path = join(check, name.startsWith('oss-') ? name : name.replace(/^\d+-/, `d${i}-`));
        writeFileSync(path, text);
        return path;
      });
      const { stdout, stderr } = await run('systemd-analyze', ['verify', ...copies], { cwd: check });
      expect(`${stdout}${stderr}`.trim()).toBe('');
      // A bad key would have been reported.
      writeFileSync(join(check, 'bad.service'), '[Service]\nBogusKey=1\nExecStart=/bin/true\n');
      const bad = await run('systemd-analyze', ['verify', join(check, 'bad.service')]);
      expect(bad.stderr).toContain('Unknown key');
    },
    60_000,
  );
});
