/** The server's typed event bus: what the MQTT gateway and the live HTTP stream listen to. */
import { EventEmitter } from 'node:events';
import type { CallMessage, QueueSummary } from '@oss/protocol';
import type { QueueEvent } from '@oss/queue-server/core';

export interface ServerEvents {
  /** Events just committed (in order). */
  committed: [events: QueueEvent[]];
  /** The queue summary after changes, at most every `SUMMARY_INTERVAL_MS` (computed once for all). */
  summary: [summary: QueueSummary];
  /** A call or recall to announce. */
  call: [call: CallMessage];
  /** A device's availability changed. */
  device: [deviceId: string, online: boolean];
  /** Telemetry from a device (printer paper, errors…): `evt/{name}`. */
  deviceEvent: [deviceId: string, name: string, body: Record<string, unknown>];
}

export class ServerBus extends EventEmitter<ServerEvents> {
  constructor() {
    super();
    // Every SSE client adds listeners.
    this.setMaxListeners(0);
  }
}
