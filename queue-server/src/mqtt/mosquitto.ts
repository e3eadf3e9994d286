/**
 * Production broker configuration for Mosquitto: the ACL equals the embedded broker's rules
 * (`deviceMayPublish` / `deviceMaySubscribe` in the protocol package).
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { SERVER_USERNAME, topics } from '@oss/protocol';
import { DEFAULT_LIMITS } from './limits.ts';

export function mosquittoAcl(site: string): string {
  const device = `oss/v1/${site}/devices/%u`;
  return [
    '# Generated: every device publishes only under its own topics (PROTOCOL.md §3).',
    // `pattern`, not `topic`: topic lines before any `user` line apply to anonymous clients only.
    `pattern read ${topics.calls(site)}`,
    `pattern read ${topics.queue(site)}`,
    `pattern write ${device}/status`,
    `pattern write ${device}/req/+`,
    `pattern write ${device}/evt/+`,
    `pattern read ${device}/res/#`,
    `pattern read ${device}/cmd/#`,
    '',
    `user ${SERVER_USERNAME}`,
    `topic readwrite oss/v1/${site}/#`,
    '',
  ].join('\n');
}

export interface MosquittoConfOptions {
  port: number;
  host?: string;
  passwordFile: string;
  aclFile: string;
  /** TLS listener (production): certificate files. */
  tls?: { port: number; certfile: string; keyfile: string; cafile?: string };
  /** Per listener; the embedded broker's default when not given. */
  maxConnections?: number;
}

/**
 * The embedded broker's limits where Mosquitto has them (`max_packet_size`, `max_connections`), and
 * each client's id replaced by its username: a device cannot take another's session or the
 * server's, at the price of one connection per device at a time (docs/provisioning.md).
 */
export function mosquittoConf(o: MosquittoConfOptions): string {
  const perListener = [
    `max_connections ${o.maxConnections ?? DEFAULT_LIMITS.maxConnections}`,
    'use_username_as_clientid true',
  ];
  const lines = [
    'per_listener_settings false',
    'allow_anonymous false',
    `password_file ${o.passwordFile}`,
    `acl_file ${o.aclFile}`,
    'persistence false',
    `max_packet_size ${DEFAULT_LIMITS.maxPacketBytes}`,
    `listener ${o.port} ${o.host ?? '127.0.0.1'}`,
    ...perListener,
  ];
  if (o.tls)
    lines.push(
      `listener ${o.tls.port}`,
      ...perListener,
      `certfile ${o.tls.certfile}`,
      `keyfile ${o.tls.keyfile}`,
      ...(o.tls.cafile ? [`cafile ${o.tls.cafile}`] : []),
    );
  return `${lines.join('\n')}\n`;
}

/**
 * One line of a Mosquitto password file in Mosquitto 2's own format
 * (`user:$7$<iterations>$<salt b64>$<PBKDF2-SHA512 b64>`), as `mosquitto_passwd` writes it.
 * Device secrets are 144 random bits, so the iteration count only needs to match Mosquitto's default.
 */
export function mosquittoPasswordLine(username: string, password: string, iterations = 101): string {
  if (!/^[^:\s]+$/.test(username)) throw new Error(`invalid Mosquitto username "${username}"`);
  const salt = randomBytes(12);
  const hash = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  return `${username}:$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Adds or replaces `username` in a Mosquitto password file (created 0640 if missing). The file is
 * rewritten through a temporary file and a rename, so Mosquitto never reads half a file. Replacing an
 * entry revokes the old secret at Mosquitto's next reload (SIGHUP).
 */
export function upsertMosquittoPassword(file: string, username: string, password: string): void {
  let lines: string[] = [];
  let mode = 0o640;
  let owner: { uid: number; gid: number } | null = null;
  if (existsSync(file)) {
    lines = readFileSync(file, 'utf8').split('\n');
    const st = statSync(file);
    mode = st.mode & 0o777;
    owner = { uid: st.uid, gid: st.gid };
  }
  const kept = lines.filter((l) => l.trim() !== '' && !l.startsWith(`${username}:`));
  kept.push(mosquittoPasswordLine(username, password));
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${kept.join('\n')}\n`, { mode });
  chmodSync(tmp, mode);
  // Keep the file's group (Mosquitto reads it through its group). Where the writer may not set it,
  // the folder's setgid bit (install-server.sh) gives new files the folder's group anyway.
  if (owner)
    try {
      chownSync(tmp, owner.uid, owner.gid);
    } catch {
      // not permitted: the setgid folder decides
    }
  renameSync(tmp, file);
}
