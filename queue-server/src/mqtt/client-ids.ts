/**
 * Who may use an MQTT client id (PROTOCOL.md §3): any id, except one that belongs to other
 * credentials, connected now or holding a stored session, or one reserved to the server or to a
 * device. Without this, MQTT's "a new CONNECT with the same id takes over the session" lets any
 * enrolled device kick the server off the broker and receive its queued requests.
 */
import { SERVER_USERNAME } from '@oss/protocol';

/** Ids the project's own programs use, predictable by design: reserved to their owner. */
const SERVER_PREFIX = 'oss-server-';
const AGENT_PREFIX = 'oss-agent-';

/** The owner an id is reserved to, whether or not it is in use; null when anyone may take it. */
export function reservedOwner(clientId: string): string | null {
  if (clientId.startsWith(SERVER_PREFIX)) return SERVER_USERNAME;
  if (clientId.startsWith(AGENT_PREFIX)) return clientId.slice(AGENT_PREFIX.length);
  return null;
}

interface Claim {
  owner: string;
  /** Connections with this id that passed authentication and have not closed yet. */
  connections: number;
  /** A session (clean = false) is kept after the connection closes. */
  session: boolean;
}

export class ClientIdClaims {
  private readonly claims = new Map<string, Claim>();

  /** Takes `clientId` for `owner` if it may; false when the id belongs to someone else. */
  claim(clientId: string, owner: string, clean: boolean): boolean {
    const reserved = reservedOwner(clientId);
    if (reserved !== null && reserved !== owner) return false;
    const held = this.claims.get(clientId);
    if (held && held.owner !== owner && (held.connections > 0 || held.session)) return false;
    const connections = held?.owner === owner ? held.connections : 0;
    // A clean CONNECT ends any stored session under this id (MQTT 3.1.2.4).
    this.claims.set(clientId, { owner, connections: connections + 1, session: !clean });
    return true;
  }

  /** A connection that claimed `clientId` closed. */
  release(clientId: string, owner: string): void {
    const held = this.claims.get(clientId);
    if (!held || held.owner !== owner) return;
    held.connections = Math.max(0, held.connections - 1);
    if (held.connections === 0 && !held.session) this.claims.delete(clientId);
  }
}
