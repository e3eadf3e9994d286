/** Raw MQTT over TCP, for attacking a broker below what a client library allows. */
import { type Socket, connect as tcpConnect } from 'node:net';

/** Opens a raw TCP connection from `localAddress` (any 127.x.y.z is this machine). */
export function rawSocket(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.once('error', reject);
  });
}

export function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => {});
  });
}

/** An MQTT 3.1.1 CONNECT for `creds` with client id `clientId`. */
export function connectPacket(clientId: string, creds: { username: string; password: string }): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, 0xc2, 0, 60]), // level 4; username, password, clean session; keep-alive 60 s
    str(clientId),
    str(creds.username),
    str(creds.password),
  ]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

/** MQTT's variable-length "remaining length" (§2.2.3). */
function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}

function utf8Field(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/** A QoS 0 PUBLISH of `payload` on `topic`. */
export function publishPacket(topic: string, payload: Buffer): Buffer {
  const body = Buffer.concat([utf8Field(topic), payload]);
  return Buffer.concat([Buffer.from([0x30]), remainingLength(body.length), body]);
}

/** A SUBSCRIBE (packet id 1) to `filter` at QoS 0. */
export function subscribePacket(filter: string): Buffer {
  const body = Buffer.concat([Buffer.from([0, 1]), utf8Field(filter), Buffer.from([0])]);
  return Buffer.concat([Buffer.from([0x82]), remainingLength(body.length), body]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connects and waits for CONNACK (and SUBACK when `filter` is given); refused connections throw. */
async function rawClient(port: number, connect: Buffer, localAddress: string, filter?: string) {
  const s = await rawSocket(port, localAddress);
  const expected = filter ? 9 : 4; // CONNACK, then SUBACK for one filter
  const answered = new Promise<void>((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < expected) return;
      s.off('data', onData);
      if (got[3] !== 0) reject(new Error(`CONNECT refused: ${got[3]}`));
      else resolve();
    };
    s.on('data', onData);
    s.once('close', () => reject(new Error('closed before CONNACK')));
  });
  s.write(filter ? Buffer.concat([connect, subscribePacket(filter)]) : connect);
  await answered;
  return s;
}

/**
 * Piles tens of thousands of messages up inside a broker, as a hub sees when thousands of sites go at
 * once: a subscriber stops reading, so large deliveries to it wait for its socket and hold the
 * broker's delivery slots; meanwhile publishers send bursts on a topic nobody subscribes to. Then the
 * subscriber reads again and everything waiting is released. `connect(id)` is a CONNECT the broker
 * accepts for any id that is not reserved. Says what a new client then received of a message it
 * published to itself ("still here", or "nothing" after 10 s).
 */
export async function releasePiledUpDeliveries(
  port: number,
  connect: (clientId: string) => Buffer,
  { publishers = 12, perPublisher = 3000 } = {},
): Promise<string> {
  const sockets: Socket[] = [];
  try {
    const subscriber = await rawClient(port, connect('backlog-sub'), '127.0.3.1', 'slow/#');
    sockets.push(subscriber);
    subscriber.pause();
    const slow = await rawClient(port, connect('backlog-slow'), '127.0.3.2');
    sockets.push(slow);
    const big = publishPacket('slow/x', Buffer.alloc(60 * 1024, 1));
    for (let i = 0; i < 600; i++) slow.write(big);
    await sleep(1000); // the subscriber's socket is full: deliveries to it wait
    // A broker handles one read of a connection at a time: each read of small messages for the
    // subscriber holds as many delivery slots as it has messages.
    const small = publishPacket('slow/y', Buffer.alloc(500, 2));
    for (let p = 0; p < 4; p++) {
      const pub = await rawClient(port, connect(`backlog-held-${p}`), `127.0.3.${3 + p}`);
      sockets.push(pub);
      pub.write(Buffer.concat(Array.from({ length: 100 }, () => small)));
    }
    await sleep(500);
    for (let p = 0; p < publishers; p++) {
      const pub = await rawClient(port, connect(`backlog-pub-${p}`), `127.0.3.${10 + p}`);
      sockets.push(pub);
      const one = publishPacket('nobody/listens', Buffer.from([p]));
      pub.write(Buffer.concat(Array.from({ length: perPublisher }, () => one)));
    }
    await sleep(500);
    subscriber.on('data', () => {});
    subscriber.resume();
    await sleep(1500);
    // Still working: a new client receives what it publishes to itself.
    const probe = await rawClient(port, connect('backlog-probe'), '127.0.3.100', 'probe/echo');
    sockets.push(probe);
    const echoed = new Promise<string>((resolve) => {
      let got = '';
      probe.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (got.includes('still here')) resolve('still here');
      });
    });
    probe.write(publishPacket('probe/echo', Buffer.from('still here')));
    return await Promise.race([echoed, sleep(10_000).then(() => 'nothing')]);
  } finally {
    for (const s of sockets) s.destroy();
  }
}
