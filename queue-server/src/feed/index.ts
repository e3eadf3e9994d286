/**
 * The site side of the upward feed: what the site server runs when OSS_HUB_URL is set, and what the
 * hub's benchmark runs in its simulated sites (`@oss/queue-server/feed`).
 */
import type { Logger } from '../log.ts';
import type { QueueService } from '../queue-service.ts';
import { type HubLink, SiteFeed } from './feed.ts';
import { siteInfo } from './map.ts';

export { type FeedOptions, type FeedState, type HubLink, SiteFeed } from './feed.ts';
export { type EventRow, mapEvent, siteInfo, toFeedEvent } from './map.ts';

/** Starts feeding the hub from the server's database, woken by every commit. */
export function startFeed(link: HubLink, service: QueueService, log: Logger): SiteFeed {
  const feed = new SiteFeed({ ...link, info: siteInfo(service.site), db: service.store.db, log });
  service.bus.on('committed', () => feed.notify());
  feed.start();
  return feed;
}
