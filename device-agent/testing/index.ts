/**
 * A real site server (embedded broker, SQLite) for agents to talk to, an agent configuration for an
 * enrolled device, and a local app's WebSocket: for the agent's tests and the cross-package ones.
 */
import type { AgentToUi, Enrolment, UiToAgent } from '@oss/protocol';
import { type RunningServer, readEnv, silentLogger, startServer } from '@oss/queue-server';
import { waitFor } from '@oss/tests';
import WebSocket from 'ws';
import type { AgentConfig } from '../src/config.ts';
import type { AgentLogger } from '../src/log.ts';

export { enrolDevice, signIn } from '@oss/queue-server/testing';
export { freePort, tempDir, waitFor } from '@oss/tests';

export function startSite(
  dataDir: string,
  ports: { http?: number; mqtt?: number } = {},
): Promise<RunningServer> {
  return startServer(
    readEnv({
      ...process.env,
      OSS_DATA_DIR: dataDir,
      OSS_HTTP_PORT: String(ports.http ?? 0),
      OSS_MQTT_PORT: String(ports.mqtt ?? 0),
      OSS_HTTP_HOST: '127.0.0.1',
      OSS_MQTT_URL: '',
      OSS_SITE_CONFIG: '',
    }),
    { log: silentLogger },
  );
}

export function agentConfig(
  server: RunningServer,
  credentials: Enrolment,
  extra: Partial<AgentConfig> = {},
): AgentConfig {
  return {
    device: {
      id: credentials.deviceId,
      kind: credentials.kind,
      site: credentials.site,
      ...(credentials.counterId ? { counterId: credentials.counterId } : {}),
    },
    credentials,
    serverUrl: `http://127.0.0.1:${server.httpPort}`,
    mqtt: { requestTimeoutMs: 2000, retries: 1, reconnectMs: 100 },
    ...extra,
  };
}

export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps every record in `lines` (tests read what was logged). */
export function capturingLogger(lines: LogLine[]): AgentLogger {
  const at = (level: string) => (fields: object, message: string) =>
    lines.push({ level, message, fields: fields as Record<string, unknown> });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A local app: the agent's WebSocket with every message kept. */
export interface UiConnection {
  messages: AgentToUi[];
  send(message: UiToAgent | string | Buffer): void;
  next<T extends AgentToUi['type']>(
    type: T,
    match?: (m: Extract<AgentToUi, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<AgentToUi, { type: T }>>;
  close(): void;
}

export async function connectUi(port: number, origin?: string): Promise<UiConnection> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, origin ? { origin } : {});
  const messages: AgentToUi[] = [];
  const consumed = new Set<number>();
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as AgentToUi));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    messages,
    send: (m) => ws.send(typeof m === 'string' || Buffer.isBuffer(m) ? m : JSON.stringify(m)),
    async next<T extends AgentToUi['type']>(
      type: T,
      match: (m: Extract<AgentToUi, { type: T }>) => boolean = () => true,
      timeoutMs = 15_000,
    ): Promise<Extract<AgentToUi, { type: T }>> {
      const found = await waitFor<Extract<AgentToUi, { type: T }>>(
        () => {
          for (let i = 0; i < messages.length; i++) {
            const m = messages[i]!;
            if (!consumed.has(i) && m.type === type && match(m as Extract<AgentToUi, { type: T }>)) {
              consumed.add(i);
              return m as Extract<AgentToUi, { type: T }>;
            }
          }
          return undefined;
        },
        `a "${type}" message`,
        timeoutMs,
      );
      return found;
    },
    close: () => ws.close(),
  };
}
