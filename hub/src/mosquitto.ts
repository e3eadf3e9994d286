/**
 * The hub's rules for a production Mosquitto (`OSS_HUB_MQTT_URL`): the same as the embedded broker's
 * (`siteMayPublishToHub` / `siteMaySubscribeAtHub`), with each site's username as its id. Site
 * passwords go into Mosquitto's password file (`mosquitto_passwd`) at enrolment.
 */
import { hubTopics } from '@oss/protocol';
import { HUB_LIMITS, HUB_USERNAME } from './broker.ts';

export function hubMosquittoAcl(): string {
  const site = '%u';
  return [
    '# Generated: every site publishes only its own feed, info and status, and reads only its own acks.',
    `pattern write ${hubTopics.feed(site)}`,
    `pattern write ${hubTopics.info(site)}`,
    `pattern write ${hubTopics.status(site)}`,
    `pattern read ${hubTopics.ack(site)}`,
    '',
    `user ${HUB_USERNAME}`,
    'topic readwrite oss/v1/+/hub/#',
    '',
  ].join('\n');
}

export interface HubMosquittoConfOptions {
  port: number;
  host?: string;
  passwordFile: string;
  aclFile: string;
  /** Where Mosquitto keeps its queued QoS 1 messages across a restart (a folder it may write). */
  persistenceDir: string;
}

/**
 * A Mosquitto configuration for the hub: the embedded broker's packet and connection limits, and
 * persistence (queued messages survive a restart; what a crash loses, the sites send again). Client
 * ids stay the clients' own: the hub's workers share one username.
 */
export function hubMosquittoConf(o: HubMosquittoConfOptions): string {
  return [
    'per_listener_settings false',
    'allow_anonymous false',
    `password_file ${o.passwordFile}`,
    `acl_file ${o.aclFile}`,
    'persistence true',
    `persistence_location ${o.persistenceDir.endsWith('/') ? o.persistenceDir : `${o.persistenceDir}/`}`,
    'autosave_interval 60',
    `max_packet_size ${HUB_LIMITS.maxPacketBytes}`,
    `listener ${o.port} ${o.host ?? '127.0.0.1'}`,
    `max_connections ${HUB_LIMITS.maxConnections}`,
    '',
  ].join('\n');
}
