/**
 * The hub's rules for a production Mosquitto (`OSS_HUB_MQTT_URL`): the same as the embedded broker's
 * (`siteMayPublishToHub` / `siteMaySubscribeAtHub`), with each site's username as its id. Site
 * passwords go into Mosquitto's password file (`mosquitto_passwd`) at enrolment.
 */
import { hubTopics } from '@oss/protocol';
import { HUB_USERNAME } from './broker.ts';

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
