/**
 * Offline issuing from leased number blocks. The kiosk keeps, per service and per day, a block of
 * numbers granted by the server (`lease.request`), renews it when fewer than `renewBelow` numbers
 * remain and at the start of each day, and while the server is unreachable issues tickets from it:
 * its own random 22-character id, `prefix + seq` as the number, the time by its clock corrected with
 * the offset learned from the server, and a `ticket.merge` queued in the outbox in the same
 * transaction as the number is taken.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type Lease, localDate, type Ticket, toIsoLocal } from '@oss/protocol';
import type { SiteCatalog } from './catalog.ts';
import type { ServerLink } from './link.ts';
import { LinkError } from './link.ts';
import type { AgentLogger } from './log.ts';
import type { AgentStore } from './store.ts';

export interface OfflineIssue {
  serviceId: string;
  priority?: string;
  procedureId?: string;
  birthDate?: string;
}

/** A random URL-safe ticket id: 16 bytes → 22 base64url characters. */
export function offlineTicketId(): string {
  return randomBytes(16).toString('base64url');
}

export function ticketNumber(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(3, '0')}`;
}

export class LeaseKeeper {
  private toppingUp: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastDay: string;

  constructor(
    private readonly o: {
      link: ServerLink;
      store: AgentStore;
      catalog: SiteCatalog;
      timeZone: string;
      size: number;
      renewBelow: number;
      log: AgentLogger;
    },
  ) {
    this.lastDay = this.today();
  }

  today(): string {
    return localDate(this.o.link.serverNow(), this.o.timeZone);
  }

  /** Checks once a minute for a new day (renews every service's block). */
  start(): void {
    this.timer = setInterval(() => {
      const day = this.today();
      if (day !== this.lastDay) {
        this.lastDay = day;
        this.o.store.dropLeasesBefore(day);
        void this.topUp();
      }
    }, 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  remaining(serviceId: string): number {
    return this.o.store.remaining(serviceId, this.today());
  }

  /** Asks for a new block for each service with fewer than `renewBelow` numbers left today. */
  topUp(): Promise<void> {
    this.toppingUp ??= (async () => {
      try {
        for (const service of this.o.catalog.services) {
          if (!this.o.link.connected) return;
          const day = this.today();
          if (this.o.store.remaining(service.id, day) >= Math.max(1, this.o.renewBelow)) continue;
          try {
            const { lease } = await this.o.link.request<{ lease: Lease | null }>('lease.request', {
              serviceId: service.id,
              size: this.o.size,
            });
            if (lease) this.o.store.saveLease(lease);
          } catch (e) {
            const code = e instanceof LinkError ? (e.refusal?.code ?? e.code) : String(e);
            this.o.log.warn({ serviceId: service.id, code }, 'lease request failed');
          }
        }
      } finally {
        this.toppingUp = null;
      }
    })();
    return this.toppingUp;
  }

  /** Issues a ticket from today's lease; null when no leased number is left. */
  issue(request: OfflineIssue): Ticket | null {
    const now = this.o.link.serverNow();
    const day = localDate(now, this.o.timeZone);
    const issuedAt = toIsoLocal(now, this.o.timeZone);
    const ticketId = offlineTicketId();
    const taken = this.o.store.takeLeasedNumber(
      request.serviceId,
      day,
      (_lease, seq) => {
        const requestId = randomUUID();
        return {
          requestId,
          body: {
            id: requestId,
            ticketId,
            serviceId: request.serviceId,
            seq,
            issuedAt,
            ...(request.priority ? { priority: request.priority } : {}),
            ...(request.procedureId ? { procedureId: request.procedureId } : {}),
            ...(request.birthDate ? { citizen: { birthDate: request.birthDate } } : {}),
          },
        };
      },
      Date.now(),
    );
    if (!taken) return null;
    this.o.link.drain();
    return {
      id: ticketId,
      number: ticketNumber(taken.lease.prefix, taken.seq),
      serviceId: request.serviceId,
      priority: request.priority ?? 'normal',
      status: 'waiting',
      issuedAt,
      ahead: 0,
      etaMinutes: 0,
      offline: true,
      ...(request.procedureId ? { procedureId: request.procedureId } : {}),
    };
  }
}
