/**
 * Staff sign-in: scrypt password hashes, random session tokens kept only as SHA-256 in the database,
 * HttpOnly SameSite=Strict cookies, and a lockout after repeated failures. Devices may also call the
 * action routes with HTTP Basic and their enrolment credentials (a browser kiosk without an agent).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import { fail, type StaffRole } from '@oss/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../actions.ts';
import { hashPassword, randomSecret, verifyPassword } from '../auth/secrets.ts';
import type { Store } from '../storage/store.ts';

export const SESSION_COOKIE = 'oss_session';
const SESSION_HOURS = 12;
const MAX_FAILURES = 5;
const LOCKOUT_MS = 5 * 60_000;

export interface StaffIdentity {
  username: string;
  displayName: string;
  role: StaffRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffIdentity | null;
    device: { id: string; kind: 'kiosk' | 'counter' | 'display'; counterId: string | null } | null;
  }
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Sign-in failures tracked at most (oldest dropped first); expired ones are pruned on every attempt. */
const MAX_TRACKED = 10_000;

export class Sessions {
  /** Failed (or in-flight) sign-ins per username, known or not, so that both answer alike. */
  private failures = new Map<string, { count: number; until: number }>();
  /** Verified for unknown usernames, so that they take as long as a wrong password. */
  private dummyHash: string | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    private readonly maxTracked = MAX_TRACKED,
  ) {}

  /** How many usernames are being tracked for the lockout (tests). */
  get tracked(): number {
    return this.failures.size;
  }

  async signIn(username: string, password: string): Promise<{ token: string; staff: StaffIdentity }> {
    const now = this.clock();
    // Counted before the slow hash: concurrent attempts cannot all slip in under the limit.
    this.countAttempt(username, now);
    const row = this.store.findStaff(username);
    const ok = await verifyPassword(password, row?.password_hash ?? this.dummy());
    if (!row || !ok) fail('unauthorized', 'Sai tên đăng nhập hoặc mật khẩu', 'Wrong username or password');
    this.failures.delete(username);
    const token = randomSecret(32);
    this.store.createSession(tokenHash(token), row.username, now + SESSION_HOURS * 3_600_000);
    this.store.audit(now, row.username, 'sign-in', {});
    return { token, staff: { username: row.username, displayName: row.display_name, role: row.role } };
  }

  /** Refuses a locked username, else counts this attempt as a failure until it succeeds. */
  private countAttempt(username: string, now: number): void {
    this.prune(now);
    const f = this.failures.get(username);
    const count = f && f.until > now ? f.count : 0;
    if (count >= MAX_FAILURES)
      fail(
        'rate_limited',
        'Đăng nhập sai quá nhiều lần, hãy thử lại sau 5 phút',
        'Too many failed sign-ins; try again in 5 minutes',
      );
    this.failures.delete(username); // re-inserted last: the Map's order is oldest first
    this.failures.set(username, { count: count + 1, until: now + LOCKOUT_MS });
  }

  /** Oldest first, so expired entries lead; past the bound the oldest go even if still counting. */
  private prune(now: number): void {
    for (const [name, f] of this.failures) {
      if (f.until > now && this.failures.size < this.maxTracked) break;
      this.failures.delete(name);
    }
  }

  private dummy(): string {
    this.dummyHash ??= hashPassword(randomSecret());
    return this.dummyHash;
  }

  resolve(token: string | undefined): StaffIdentity | null {
    if (!token) return null;
    const row = this.store.findSession(tokenHash(token), this.clock());
    return row ? { username: row.username, displayName: row.display_name, role: row.role } : null;
  }

  signOut(token: string | undefined): void {
    if (token) this.store.deleteSession(tokenHash(token));
  }
}

/** Adds `request.staff` (from the session cookie) and `request.device` (from HTTP Basic) to every request. */
export function identify(app: FastifyInstance, sessions: Sessions, store: Store): void {
  const verified = new VerifiedDevices();
  app.decorateRequest('staff', null);
  app.decorateRequest('device', null);
  app.addHook('preHandler', async (request) => {
    request.staff = sessions.resolve(request.cookies[SESSION_COOKIE]);
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
    if (!basic) return;
    const [id, password] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(/:(.*)/s);
    const device = id ? store.findDevice(id) : null;
    if (
      device &&
      password &&
      (verified.has(device, password) || (await verifyPassword(password, device.password_hash)))
    ) {
      verified.add(device, password);
      request.device = { id: device.id, kind: device.kind, counterId: device.counter_id };
    } else fail('unauthorized', 'Sai thông tin thiết bị', 'Wrong device credentials');
  });
}

/**
 * A browser kiosk sends its credentials with every request: the slow hash is checked once per
 * enrolment, then a SHA-256 of the secret held in memory is compared (never stored). A re-enrolment
 * changes `enrolled_at`, which drops the entry; wrong secrets always take the slow path.
 */
class VerifiedDevices {
  private readonly entries = new Map<string, { enrolledAt: number; digest: Buffer }>();

  has(device: { id: string; enrolled_at: number }, password: string): boolean {
    const e = this.entries.get(device.id);
    return (
      e !== undefined && e.enrolledAt === device.enrolled_at && timingSafeEqual(e.digest, digestOf(password))
    );
  }

  add(device: { id: string; enrolled_at: number }, password: string): void {
    this.entries.set(device.id, { enrolledAt: device.enrolled_at, digest: digestOf(password) });
  }
}

const digestOf = (secret: string) => createHash('sha256').update(secret).digest();

/** A preHandler that admits signed-in staff with one of `roles`. */
export function requireRole(...roles: StaffRole[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.staff) fail('unauthorized', 'Cần đăng nhập', 'Sign-in required');
    if (!roles.includes(request.staff.role))
      fail('forbidden', 'Tài khoản không có quyền này', 'Your role does not allow this');
  };
}

/**
 * Who is calling an action route: a device (HTTP Basic) or a staff member. An officer acts for the
 * counters `counters` shows them signed in at; managers and admins for any.
 */
export function callerOf(
  request: FastifyRequest,
  counters: Iterable<{ id: string; officerId: string | null }>,
): Caller & { key: string } {
  if (request.device)
    return {
      kind: request.device.kind,
      counterId: request.device.counterId,
      deviceId: request.device.id,
      key: request.device.id,
    };
  const staff = request.staff;
  if (!staff) fail('unauthorized', 'Cần đăng nhập', 'Sign-in required');
  const staffCounters =
    staff.role === 'officer'
      ? [...counters].filter((c) => c.officerId === staff.username).map((c) => c.id)
      : ('any' as const);
  return { kind: 'staff', key: `staff:${staff.username}`, staffCounters };
}

type CounterSignIn = { officerId: string | null } | undefined;

/**
 * Audit detail for a manager or admin acting on a counter they are not signed in at (other than
 * signing in at a free one): flagged, with whose counter it was.
 */
export function overrideOf(staff: StaffIdentity, command: string, counter: CounterSignIn) {
  if (staff.role === 'officer' || !counter || counter.officerId === staff.username) return {};
  if (command === 'sign-in' && counter.officerId === null) return {};
  return { override: true, counterOfficer: counter.officerId };
}

/**
 * The counter console's own commands: an officer signs in at a free counter (or their own) and
 * signs out, opens or closes only the counter they are signed in at. Managers and admins may do
 * any of it (audited with `overrideOf`).
 */
export function mayCommandCounter(staff: StaffIdentity, command: string, counter: CounterSignIn): void {
  // Signing in is always allowed: it ends the session of whoever was there (a shift change, or a
  // colleague who left without signing out), and the audit names them (`takeoverOf`).
  if (staff.role !== 'officer' || !counter || counter.officerId === staff.username || command === 'sign-in')
    return;
  fail(
    'forbidden',
    'Cán bộ chỉ được thao tác tại quầy mình đang đăng nhập',
    'An officer may act only at the counter they are signed in at',
  );
}

/** The officer whose session a sign-in ends, for the audit. */
export function takeoverOf(staff: StaffIdentity, counter: CounterSignIn): { tookOverFrom?: string } {
  return counter?.officerId && counter.officerId !== staff.username
    ? { tookOverFrom: counter.officerId }
    : {};
}
