/** Server-sent events: the apps' live feed. EventSource reconnects by itself after a server restart. */
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Send = (event: string, data: unknown) => void;

/** Open streams, ended when the server stops so that closing does not wait for clients. */
const openStreams = new Set<import('node:http').ServerResponse>();

export function endAllStreams(): void {
  for (const res of openStreams) res.end();
  openStreams.clear();
}

/** Opens an SSE stream; `subscribe` returns its own cleanup, run when the client goes away. */
export function openStream(
  request: FastifyRequest,
  reply: FastifyReply,
  subscribe: (send: Send) => () => void,
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    // Cross-origin readers get no cookies, so the staff stream stays closed to them.
    'access-control-allow-origin': '*',
  });
  res.write('retry: 2000\n\n');
  const send: Send = (event, data) => {
    if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const unsubscribe = subscribe(send);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  openStreams.add(res);
  const close = () => {
    openStreams.delete(res);
    clearInterval(heartbeat);
    unsubscribe();
  };
  request.raw.on('close', close);
  res.on('error', close);
}
