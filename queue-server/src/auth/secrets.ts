/** Slow password hashes (scrypt) and random secrets. */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
/** N = 2^15: about 50–100 ms per hash on a Raspberry Pi 4; memory 32 MiB. */
const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, KEY_LENGTH, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Who is waiting for a password check: staff sign-in, or a device (MQTT CONNECT, HTTP Basic). */
export type CheckLane = 'staff' | 'device';

/** The check was not run: too many device checks are already waiting. */
export class PasswordCheckBusy extends Error {
  constructor() {
    super('too many password checks waiting');
  }
}

/**
 * Every scrypt runs through one gate: at most two at once (each takes 32 MiB and a libuv thread),
 * devices at most one of them, and a waiting staff check goes first. A flood of wrong device
 * passwords therefore costs one hash at a time and never delays a staff sign-in by more than one.
 */
class HashGate {
  private running = { staff: 0, device: 0 };
  private readonly waiting: Record<CheckLane, (() => void)[]> = { staff: [], device: [] };

  constructor(
    private readonly total: number,
    private readonly deviceMax: number,
    private readonly deviceQueueMax: number,
  ) {}

  async run<T>(lane: CheckLane, task: () => Promise<T>): Promise<T> {
    if (this.mayStart(lane)) this.running[lane]++;
    else if (lane === 'device' && this.waiting.device.length >= this.deviceQueueMax)
      throw new PasswordCheckBusy();
    else await new Promise<void>((resolve) => this.waiting[lane].push(resolve)); // startNext counts us in
    try {
      return await task();
    } finally {
      this.running[lane]--;
      this.startNext();
    }
  }

  private mayStart(lane: CheckLane): boolean {
    if (this.running.staff + this.running.device >= this.total) return false;
    return lane === 'staff' || this.running.device < this.deviceMax;
  }

  /** Gives free slots to waiters, staff first. */
  private startNext(): void {
    for (const lane of ['staff', 'device'] as const)
      while (this.waiting[lane].length > 0 && this.mayStart(lane)) {
        this.running[lane]++;
        this.waiting[lane].shift()!();
      }
  }
}

const gate = new HashGate(2, 1, 64);

/**
 * Checks a password against its stored hash, through the gate. Throws `PasswordCheckBusy` when
 * too many device checks wait already (the caller answers "busy, try again").
 */
export async function verifyPassword(
  password: string,
  stored: string,
  lane: CheckLane = 'staff',
): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await gate.run(lane, () =>
    scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: PARAMS.maxmem,
    }),
  );
  return timingSafeEqual(actual, expected);
}

/** URL-safe random secret: ticket ids, device passwords, session tokens. */
export function randomSecret(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
