/**
 * What the embedded broker allows a connection before and after it signs in, so that nobody, with
 * or without credentials, can make the server buffer or hash without bound: a maximum packet size
 * checked on the wire before aedes buffers a byte of the packet, caps on connections (in all and per
 * address) and on the rate of new ones, and a back-off for wrong passwords.
 */
import type { Socket } from 'node:net';
import { Duplex, pipeline, Transform, type TransformCallback } from 'node:stream';

export interface BrokerLimits {
  /** The first packet, CONNECT: client id, credentials and a small will. */
  maxConnectBytes: number;
  /** Any later packet (requests and statuses are a few KB; the server's queue summary the largest). */
  maxPacketBytes: number;
  /** A connection that has not sent its whole CONNECT by then is closed. */
  connectTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** New connections per address: a burst, then this many a second. */
  connectBurst: number;
  connectsPerSecond: number;
  /** Wrong passwords before an address, or a device id, must wait before it is checked again. */
  failuresPerAddress: number;
  failuresPerDevice: number;
  maxBackoffMs: number;
}

export const DEFAULT_LIMITS: BrokerLimits = {
  maxConnectBytes: 8 * 1024,
  maxPacketBytes: 64 * 1024,
  connectTimeoutMs: 10_000,
  maxConnections: 1024,
  maxConnectionsPerAddress: 128,
  connectBurst: 128,
  connectsPerSecond: 10,
  failuresPerAddress: 5,
  failuresPerDevice: 10,
  maxBackoffMs: 60_000,
};

/**
 * aedes options both embedded brokers (site and hub) use. `concurrency: 0` removes mqemitter's queue
 * of messages waiting for one of 100 delivery slots: that queue is drained inside the previous
 * message's completion, and a message nobody subscribes to completes at once, so thousands of them
 * queued behind slow deliveries nested thousands deep and overflowed the stack (the hub's broker died
 * so with 3,300 sites closing; `broker-backlog.test.ts` rebuilds it). Messages in flight stay bounded
 * without the queue: aedes reads a connection's next bytes only once the packets already read are
 * handled.
 */
export const AEDES_DELIVERY = { concurrency: 0 } as const;

/** The size guard closed the connection. */
export class PacketRefused extends Error {}

/**
 * Follows MQTT fixed headers as the bytes pass and fails as soon as a packet announces more than
 * its limit. aedes' parser would otherwise buffer the whole announced length (up to 256 MiB) before
 * it looks at the packet, let alone at the credentials inside.
 */
export class PacketSizeGuard extends Transform {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private packets = 0;

  constructor(private readonly limits: Pick<BrokerLimits, 'maxConnectBytes' | 'maxPacketBytes'>) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.lengthBytes = 0;
        continue;
      }
      // Remaining length: 7 bits a byte, least significant first, at most 4 bytes (MQTT 2.2.3).
      this.length += (byte & 0x7f) * 128 ** this.lengthBytes++;
      const limit = this.packets === 0 ? this.limits.maxConnectBytes : this.limits.maxPacketBytes;
      if (this.length > limit)
        return done(new PacketRefused(`packet of ${this.length} bytes announced, limit ${limit}`));
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return done(new PacketRefused('malformed remaining length'));
        continue;
      }
      this.packets++;
      this.bodyLeft = this.length;
      this.state = this.bodyLeft > 0 ? 'body' : 'type';
    }
    done(null, chunk);
  }
}

/** The socket as aedes sees it: reads pass through the size guard, writes go straight out. */
export function guardedConnection(
  socket: Socket,
  limits: BrokerLimits,
  onRefused: (e: PacketRefused) => void,
): Duplex {
  const guard = new PacketSizeGuard(limits);
  // pipeline destroys the socket when the guard fails (and the guard when the socket does).
  pipeline(socket, guard, (e) => {
    if (e instanceof PacketRefused) onRefused(e);
  });
  return Duplex.from({ readable: guard, writable: socket });
}

/** Caps on open connections, in all and per address, and a token bucket of new ones per address. */
export class ConnectionLimiter {
  private readonly addresses = new Map<string, { open: number; tokens: number; at: number }>();
  private open = 0;
  private sweptAt = 0;

  constructor(
    private readonly limits: BrokerLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a new connection in, or says why it must be closed. */
  admit(
    address: string,
  ): 'ok' | 'too many connections' | 'too many connections from this address' | 'connecting too fast' {
    const now = this.now();
    this.sweep(now);
    if (this.open >= this.limits.maxConnections) return 'too many connections';
    const a = this.addresses.get(address) ?? { open: 0, tokens: this.limits.connectBurst, at: now };
    this.addresses.set(address, a);
    a.tokens = Math.min(
      this.limits.connectBurst,
      a.tokens + ((now - a.at) / 1000) * this.limits.connectsPerSecond,
    );
    a.at = now;
    if (a.open >= this.limits.maxConnectionsPerAddress) return 'too many connections from this address';
    if (a.tokens < 1) return 'connecting too fast';
    a.tokens -= 1;
    a.open++;
    this.open++;
    return 'ok';
  }

  closed(address: string): void {
    const a = this.addresses.get(address);
    if (!a || a.open === 0) return;
    a.open--;
    this.open--;
  }

  /** Forgets addresses with nothing open whose bucket has refilled. */
  private sweep(now: number): void {
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    const refillMs = (this.limits.connectBurst / this.limits.connectsPerSecond) * 1000;
    for (const [address, a] of this.addresses)
      if (a.open === 0 && now - a.at > refillMs) this.addresses.delete(address);
  }
}

/**
 * Wrong passwords per key (an address, a device id). Attempts are counted before the slow check,
 * so a burst sent at once is cut at the threshold instead of all being hashed; past it the key waits
 * 1 s, then 2, 4… up to `maxMs`. A success, or 10 quiet minutes, forgets the key.
 */
export class AuthBackoff {
  private readonly keys = new Map<string, { count: number; last: number; until: number }>();

  constructor(
    private readonly threshold: number,
    private readonly maxMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  blocked(key: string): boolean {
    return (this.keys.get(key)?.until ?? 0) > this.now();
  }

  attempt(key: string): void {
    const now = this.now();
    const k = this.keys.get(key);
    const count = k && now - k.last < QUIET_MS ? k.count + 1 : 1;
    const until =
      count >= this.threshold ? now + Math.min(this.maxMs, 1000 * 2 ** (count - this.threshold)) : 0;
    this.keys.set(key, { count, last: now, until });
    if (this.keys.size > 10_000) this.forgetQuiet(now);
  }

  succeeded(key: string): void {
    this.keys.delete(key);
  }

  private forgetQuiet(now: number): void {
    for (const [key, k] of this.keys) if (now - k.last >= QUIET_MS) this.keys.delete(key);
  }
}

const QUIET_MS = 10 * 60_000;
