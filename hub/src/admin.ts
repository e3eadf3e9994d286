/**
 * What `hub:enroll` and `hub:staff` do (PROTOCOL.md §5). With the embedded database a running hub
 * holds it, so the commands ask that hub over its local control route; otherwise they open the
 * database themselves.
 */
import { isValidSegment } from '@oss/protocol';
import { hashPassword, randomSecret } from '@oss/queue-server/auth';
import { type HubEnv, siteMqttUrl } from './env.ts';
import type { HubStore } from './store.ts';

export class UsageError extends Error {}

export const HUB_ROLES = ['admin', 'manager'] as const;
export type HubRole = (typeof HUB_ROLES)[number];

export interface SiteEnrolment {
  site: string;
  hubUrl: string;
  username: string;
  password: string;
}

export function checkSiteId(siteId: string | undefined): string {
  if (!siteId)
    throw new UsageError(
      'Cách dùng: npm run -s hub:enroll -- <mã đơn vị> / Usage: npm run -s hub:enroll -- <siteId>',
    );
  if (!isValidSegment(siteId))
    throw new UsageError(
      `Mã đơn vị "${siteId}" phải khớp [a-z0-9][a-z0-9-]{0,62} / site id "${siteId}" must match [a-z0-9][a-z0-9-]{0,62}`,
    );
  return siteId;
}

export function parseStaffArgs(args: string[]): { username: string; role: HubRole } {
  const [command, username] = args;
  const i = args.indexOf('--role');
  const role = i >= 0 ? args[i + 1] : undefined;
  if (command !== 'add' || !username || !/^[a-z0-9][a-z0-9._-]{1,31}$/.test(username))
    throw new UsageError(
      'Cách dùng: npm run -s hub:staff -- add <tên đăng nhập> --role <admin|manager>\n' +
        'Usage: npm run -s hub:staff -- add <username> --role <admin|manager>\n' +
        '(tên đăng nhập / username: [a-z0-9][a-z0-9._-]{1,31})',
    );
  if (!role || !(HUB_ROLES as readonly string[]).includes(role))
    throw new UsageError(`--role phải là admin hoặc manager / --role must be admin or manager`);
  return { username, role: role as HubRole };
}

/** A new secret for the site; the old one stops working (a running hub drops its connections). */
export async function enrolSite(
  store: HubStore,
  env: HubEnv,
  siteId: string,
  now: number,
): Promise<SiteEnrolment> {
  const password = randomSecret(24);
  await store.enrolSite(siteId, hashPassword(password), now);
  return { site: siteId, hubUrl: siteMqttUrl(env), username: siteId, password };
}

export async function setStaff(
  store: HubStore,
  username: string,
  role: HubRole,
  now: number,
): Promise<{ username: string; role: HubRole; password: string }> {
  const password = randomSecret(12);
  await store.upsertStaff({ username, role, password_hash: hashPassword(password), created_at: now });
  return { username, role, password };
}
