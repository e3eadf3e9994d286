/** MQTT topic builders and parsers (PROTOCOL.md §3). */

export const TOPIC_ROOT = 'oss/v1';
/** `{site}` and `{device}` segments. */
export const SEGMENT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Action, command and event names: `ticket.issue`, `printer.paper`. */
export const NAME_PATTERN = /^[a-z][a-z0-9_.-]{0,62}$/;

export type DeviceChannel = 'status' | 'req' | 'res' | 'cmd' | 'evt';

export const topics = {
  deviceStatus: (site: string, device: string) => `${TOPIC_ROOT}/${site}/devices/${device}/status`,
  request: (site: string, device: string, action: string) =>
    `${TOPIC_ROOT}/${site}/devices/${device}/req/${action}`,
  response: (site: string, device: string, action: string) =>
    `${TOPIC_ROOT}/${site}/devices/${device}/res/${action}`,
  command: (site: string, device: string, command: string) =>
    `${TOPIC_ROOT}/${site}/devices/${device}/cmd/${command}`,
  event: (site: string, device: string, event: string) =>
    `${TOPIC_ROOT}/${site}/devices/${device}/evt/${event}`,
  calls: (site: string) => `${TOPIC_ROOT}/${site}/calls`,
  queue: (site: string) => `${TOPIC_ROOT}/${site}/queue`,
  /** Subscription filters the server uses. */
  allRequests: (site: string) => `${TOPIC_ROOT}/${site}/devices/+/req/+`,
  allStatuses: (site: string) => `${TOPIC_ROOT}/${site}/devices/+/status`,
  allEvents: (site: string) => `${TOPIC_ROOT}/${site}/devices/+/evt/+`,
  /** Everything a device itself may publish under. */
  devicePrefix: (site: string, device: string) => `${TOPIC_ROOT}/${site}/devices/${device}/`,
} as const;

export interface DeviceTopic {
  site: string;
  device: string;
  channel: DeviceChannel;
  /** Action, command or event name; empty for `status`. */
  name: string;
}

/** Parses `oss/v1/{site}/devices/{device}/{channel}[/{name}]`; null for anything else. */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== 'oss' || parts[1] !== 'v1' || parts[3] !== 'devices') return null;
  const [site, device, channel, name] = [parts[2], parts[4], parts[5], parts[6]];
  if (!site || !device || !SEGMENT_PATTERN.test(site) || !SEGMENT_PATTERN.test(device)) return null;
  if (channel === 'status') return parts.length === 6 ? { site, device, channel, name: '' } : null;
  if (channel !== 'req' && channel !== 'res' && channel !== 'cmd' && channel !== 'evt') return null;
  if (parts.length !== 7 || !name || !NAME_PATTERN.test(name)) return null;
  return { site, device, channel, name };
}

export function isValidSegment(value: string): boolean {
  return SEGMENT_PATTERN.test(value);
}

/** The server's own broker username; never a valid device id (underscore). */
export const SERVER_USERNAME = '_server';

/** ACL (PROTOCOL.md §3): a device publishes only its status, requests and events. */
export function deviceMayPublish(site: string, device: string, topic: string): boolean {
  const t = parseDeviceTopic(topic);
  return (
    t !== null &&
    t.site === site &&
    t.device === device &&
    (t.channel === 'status' || t.channel === 'req' || t.channel === 'evt')
  );
}

/** ACL: a device subscribes to its own responses and commands, and to the site's calls and queue. */
export function deviceMaySubscribe(site: string, device: string, filter: string): boolean {
  if (filter === topics.calls(site) || filter === topics.queue(site)) return true;
  const prefix = topics.devicePrefix(site, device);
  if (!filter.startsWith(prefix)) return false;
  const [channel, name, ...rest] = filter.slice(prefix.length).split('/');
  if (rest.length > 0 || (channel !== 'res' && channel !== 'cmd')) return false;
  return name === '#' || name === '+' || (name !== undefined && NAME_PATTERN.test(name));
}

/**
 * Turns Nagle's algorithm off on an MQTT.js client's TCP socket (MQTT.js leaves it on): requests and
 * responses are small, and Nagle with delayed ACKs adds ~40 ms to each round trip. Typed by shape so
 * that this package does not depend on MQTT.js.
 */
export function noDelay(client: { stream?: unknown }): void {
  (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
}
