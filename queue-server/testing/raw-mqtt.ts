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
