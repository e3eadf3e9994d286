/**
 * The display board's announcements (site configuration `announcements`): `GET /media/<file>` sends
 * exactly the configured files, found by their address as listed in `/api/site`; nothing else in
 * their folder is reachable, so no address leads to another file. Cached an hour, then checked again
 * (ETag, Last-Modified); ranges for video.
 */
import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import { fail } from '@oss/protocol';
import type { SiteResponse } from '@oss/protocol/http';
import { ANNOUNCEMENT_TYPES, extensionOf, type SiteConfig } from '@oss/queue-server/core';
import type { FastifyInstance } from 'fastify';

const HOUR_MS = 3_600_000;

/** The address a configured file is served at: each path segment URL-encoded. */
export const mediaUrl = (file: string) => `/media/${file.split('/').map(encodeURIComponent).join('/')}`;

/** What the board needs to show them, in order (no file paths). */
export function publicAnnouncements(config: SiteConfig): NonNullable<SiteResponse['announcements']> {
  return (config.announcements ?? []).map((a) => ({
    url: mediaUrl(a.file),
    kind: a.kind,
    seconds: a.seconds,
    title: a.title,
  }));
}

export async function announcementRoutes(
  app: FastifyInstance,
  { config, siteConfigFile }: { config: SiteConfig; siteConfigFile: string },
) {
  const root = dirname(siteConfigFile);
  const files = new Map((config.announcements ?? []).map((a) => [mediaUrl(a.file), a.file]));
  // Registered here only to send files: this plugin's own context, nothing served by itself.
  await app.register(fastifyStatic, { root, serve: false });
  // The type the configuration admits for the extension, not a guess from a general table.
  app.addHook('onSend', async (request, reply) => {
    const file = files.get(request.url.split('?')[0]!);
    if (file && reply.statusCode < 300)
      reply.header('content-type', ANNOUNCEMENT_TYPES[extensionOf(file)]!.contentType);
  });
  app.get('/media/*', async (request, reply) => {
    const file = files.get(request.url.split('?')[0]!);
    if (!file) fail('not_found', 'Không có tệp thông báo này', 'No such announcement file');
    return reply.sendFile(file, root, { maxAge: HOUR_MS, immutable: false });
  });
}
