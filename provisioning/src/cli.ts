/**
 * `npm run provision -- <command>`:
 *   check <inventory>                                   validate the inventory
 *   enroll <inventory> --credentials <dir>              enrol every device (OSS_* env of the site), one JSON each
 *   render <inventory> --out <dir> --credentials <dir> [--node-tarball <f>] [--app-tarball <f>] [--ca <pem>]
 *   server <inventory> --out <dir>                      the site server's units, env file, Mosquitto files
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Enrolment } from '@oss/protocol';
import { ConfigError, EnvError, enroll, UsageError } from '@oss/queue-server';
import { type Inventory, loadInventory } from './inventory.ts';
import { type RenderedFile, renderDevice } from './render.ts';
import { renderServer } from './server.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export class CliError extends Error {}

const USAGE =
  'Cách dùng: npm run provision -- check|enroll|render|server <tệp kiểm kê> [--out <thư mục>] [--credentials <thư mục>]\n' +
  'Usage: npm run provision -- check|enroll|render|server <inventory> [--out <dir>] [--credentials <dir>]';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (!v || v.startsWith('--')) throw new CliError(`${name} cần một giá trị / ${name} needs a value`);
  return v;
}

export function writeFiles(dir: string, files: RenderedFile[]): void {
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content, { mode: f.mode });
    chmodSync(path, f.mode);
  }
}

function readCredentials(dir: string, id: string): Enrolment {
  const file = join(dir, `${id}.json`);
  if (!existsSync(file))
    throw new CliError(
      `Thiếu thông tin đăng ký ${file} (chạy "provision enroll") / missing enrolment ${file} (run "provision enroll")`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as Enrolment;
}

function assets(ca?: string) {
  const fontsDir = join(REPO, 'hardware/fonts');
  const clipsDir = join(REPO, 'device-agent/audio/vi');
  return {
    fonts: readdirSync(fontsDir)
      .filter((n) => /\.(ttf|txt)$/.test(n))
      .map((name) => ({ name, data: readFileSync(join(fontsDir, name)) })),
    clips: existsSync(clipsDir)
      ? readdirSync(clipsDir)
          .filter((n) => n.endsWith('.wav'))
          .map((name) => ({ name, data: readFileSync(join(clipsDir, name)) }))
      : [],
    ...(ca ? { ca: readFileSync(ca, 'utf8') } : {}),
  };
}

export function renderAll(
  inv: Inventory,
  out: string,
  credentialsDir: string,
  extra: { nodeTarball?: string; appTarball?: string; ca?: string } = {},
): string[] {
  const a = assets(extra.ca);
  const written: string[] = [];
  for (const d of inv.devices) {
    const dir = join(out, d.id);
    writeFiles(dir, renderDevice(inv, d, readCredentials(credentialsDir, d.id), a));
    if (extra.nodeTarball) copyFileSync(extra.nodeTarball, join(dir, 'oss/node.tar.xz'));
    if (extra.appTarball) copyFileSync(extra.appTarball, join(dir, 'oss/oss-app.tar.gz'));
    written.push(dir);
  }
  return written;
}

export function enrollAll(
  inv: Inventory,
  credentialsDir: string,
  env?: Parameters<typeof enroll>[1],
  mosquittoPasswd?: string,
): string[] {
  mkdirSync(credentialsDir, { recursive: true, mode: 0o700 });
  return inv.devices.map((d) => {
    const args = [d.id, d.kind, ...(d.counter ? ['--counter', d.counter] : [])];
    const e = env ? enroll(args, env, mosquittoPasswd) : enroll(args);
    if (e.site !== inv.site.id)
      throw new CliError(
        `Máy chủ là điểm "${e.site}", tệp kiểm kê là "${inv.site.id}" / the server's site is "${e.site}", the inventory's "${inv.site.id}"`,
      );
    const file = join(credentialsDir, `${d.id}.json`);
    writeFileSync(file, `${JSON.stringify(e)}\n`, { mode: 0o600 });
    return file;
  });
}

export function main(argv: string[]): void {
  const [command, file, ...rest] = argv;
  if (!command || !file) throw new CliError(USAGE);
  const inv = loadInventory(file);
  if (command === 'check') {
    process.stdout.write(`Hợp lệ: ${inv.devices.length} thiết bị / ok: ${inv.devices.length} devices\n`);
    return;
  }
  if (command === 'enroll') {
    const creds = option(rest, '--credentials') ?? 'credentials';
    for (const f of enrollAll(inv, creds)) process.stdout.write(`${f}\n`);
    return;
  }
  const out = option(rest, '--out');
  if (!out) throw new CliError(USAGE);
  if (command === 'server') {
    writeFiles(out, renderServer(inv));
    process.stdout.write(`${out}\n`);
    return;
  }
  if (command === 'render') {
    const dirs = renderAll(inv, out, option(rest, '--credentials') ?? 'credentials', {
      ...(option(rest, '--node-tarball') ? { nodeTarball: option(rest, '--node-tarball')! } : {}),
      ...(option(rest, '--app-tarball') ? { appTarball: option(rest, '--app-tarball')! } : {}),
      ...(option(rest, '--ca') ? { ca: option(rest, '--ca')! } : {}),
    });
    for (const d of dirs) process.stdout.write(`${d}\n`);
    return;
  }
  throw new CliError(`Lệnh không rõ "${command}" / unknown command "${command}"\n${USAGE}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    // These already speak Vietnamese, then English; anything else (a missing tarball, a full disk)
    // has only the system's English words.
    const bilingual = [CliError, UsageError, ConfigError, EnvError];
    const known = bilingual.some((kind) => e instanceof kind);
    process.stderr.write(`${known ? '' : 'Lỗi / error: '}${e.message}\n`);
    process.exit(2);
  }
}
