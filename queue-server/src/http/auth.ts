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
import { randomSecret, verifyPassword } from '../auth/secrets.ts';
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

export class Sessions {
  private failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
  ) {}

  async signIn(username: string, password: string): Promise<{ token: string; staff: StaffIdentity }> {
    const now = this.clock();
    const f = this.failures.get(username);
    if (f && f.count >= MAX_FAILURES && f.until > now)
      fail(
        'rate_limited',
        'Đăng nhập sai quá nhiều lần, hãy thử lại sau 5 phút',
        'Too many failed sign-ins; try again in 5 minutes',
      );
    const row = this.store.findStaff(username);
    if (!row || !(await verifyPassword(password, row.password_hash))) {
      const count = (f && f.until > now ? f.count : 0) + 1;
      this.failures.set(username, { count, until: now + LOCKOUT_MS });
      fail('unauthorized', 'Sai tên đăng nhập hoặc mật khẩu', 'Wrong username or password');
    }
    this.failures.delete(username);
    const token = randomSecret(32);
    this.store.createSession(tokenHash(token), row.username, now + SESSION_HOURS * 3_600_000);
    this.store.audit(now, row.username, 'sign-in', {});
    return { token, staff: { username: row.username, displayName: row.display_name, role: row.role } };
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

/** Who is calling an action route: a device (HTTP Basic) or a staff member. */
export function callerOf(request: FastifyRequest): Caller & { key: string } {
  if (request.device)
    return {
      kind: request.device.kind,
      counterId: request.device.counterId,
      deviceId: request.device.id,
      key: request.device.id,
    };
  if (request.staff) return { kind: 'staff', key: `staff:${request.staff.username}` };
  fail('unauthorized', 'Cần đăng nhập', 'Sign-in required');
}
