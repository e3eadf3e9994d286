/**
 * SMS to citizens (appointment reminders), behind a small interface like the hardware drivers. No
 * provider is reachable or assumed: `HttpJsonSmsGateway` posts `{<to>: number, <text>: text}` to the
 * URL a site configures (most Vietnamese SMS brandname gateways take such a JSON body; the field names
 * are configured), `SimulatedSmsGateway` keeps what it would send, for the demo and the tests.
 */
import { fail } from '@oss/protocol';
import type { SmsRules } from '@oss/queue-server/core';

export interface SmsGateway {
  readonly name: string;
  /** Resolves once the gateway accepted the message; rejects (with no personal data) otherwise. */
  send(to: string, text: string): Promise<void>;
}

type HttpJsonRules = Extract<SmsRules['gateway'], { kind: 'http-json' }>;

export class HttpJsonSmsGateway implements SmsGateway {
  readonly name = 'http-json';
  constructor(
    private readonly rules: HttpJsonRules,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async send(to: string, text: string): Promise<void> {
    const token = this.rules.tokenEnv ? this.env[this.rules.tokenEnv] : undefined;
    let status: number;
    try {
      const res = await fetch(this.rules.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ [this.rules.fields.to]: to, [this.rules.fields.text]: text }),
        signal: AbortSignal.timeout(this.rules.timeoutMs),
      });
      status = res.status;
      await res.body?.cancel();
    } catch {
      fail('unavailable', 'Không gửi được tin nhắn: cổng SMS không trả lời', 'SMS gateway unreachable');
    }
    if (status < 200 || status >= 300)
      fail(
        'unavailable',
        `Cổng SMS từ chối tin nhắn (HTTP ${status})`,
        `SMS gateway refused (HTTP ${status})`,
      );
  }
}

export class SimulatedSmsGateway implements SmsGateway {
  readonly name = 'simulated';
  /** What was "sent", newest last (in memory only: never stored). */
  readonly sent: { to: string; text: string }[] = [];

  async send(to: string, text: string): Promise<void> {
    this.sent.push({ to, text });
  }
}

export function smsGatewayOf(rules: SmsRules): SmsGateway {
  return rules.gateway.kind === 'http-json'
    ? new HttpJsonSmsGateway(rules.gateway)
    : new SimulatedSmsGateway();
}
