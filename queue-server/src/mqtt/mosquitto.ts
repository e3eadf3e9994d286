/**
 * Production broker configuration for Mosquitto: the ACL equals the embedded broker's rules
 * (`deviceMayPublish` / `deviceMaySubscribe` in the protocol package).
 */
import { SERVER_USERNAME, topics } from '@oss/protocol';

export function mosquittoAcl(site: string): string {
  const device = `oss/v1/${site}/devices/%u`;
  return [
    '# Generated: every device publishes only under its own topics (PROTOCOL.md §3).',
    `topic read ${topics.calls(site)}`,
    `topic read ${topics.queue(site)}`,
    `pattern write ${device}/status`,
    `pattern write ${device}/req/+`,
    `pattern write ${device}/evt/+`,
    `pattern read ${device}/res/#`,
    `pattern read ${device}/cmd/#`,
    '',
    `user ${SERVER_USERNAME}`,
    `topic readwrite oss/v1/${site}/#`,
    '',
  ].join('\n');
}

export interface MosquittoConfOptions {
  port: number;
  host?: string;
  passwordFile: string;
  aclFile: string;
  /** TLS listener (production): certificate files. */
  tls?: { port: number; certfile: string; keyfile: string; cafile?: string };
}

export function mosquittoConf(o: MosquittoConfOptions): string {
  const lines = [
    'per_listener_settings false',
    'allow_anonymous false',
    `password_file ${o.passwordFile}`,
    `acl_file ${o.aclFile}`,
    'persistence false',
    `listener ${o.port} ${o.host ?? '127.0.0.1'}`,
  ];
  if (o.tls)
    lines.push(
      `listener ${o.tls.port}`,
      `certfile ${o.tls.certfile}`,
      `keyfile ${o.tls.keyfile}`,
      ...(o.tls.cafile ? [`cafile ${o.tls.cafile}`] : []),
    );
  return `${lines.join('\n')}\n`;
}
