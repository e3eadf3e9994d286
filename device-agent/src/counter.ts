/**
 * Counter profile: the officer's buttons (GPIO or the app's `counter.button`) act for this device's
 * counter; the called number goes to the LED, the serial counter display and the app
 * (`counter.current`); the citizen's rating goes to the ticket being served, or to the one just
 * finished when the officer has already moved on. The emotion model plugs in as a
 * `SatisfactionEstimator`.
 */
import type { ButtonName, CounterDisplay, CounterPanel } from '@oss/hardware';
import {
  type AgentToUi,
  type CallMessage,
  type QueueSummary,
  RATING_WINDOW_MS,
  type Ticket,
  type UiToAgent,
} from '@oss/protocol';
import { LinkError, type ServerLink } from './link.ts';
import type { AgentLogger } from './log.ts';
import type { AgentStore } from './store.ts';
import { type UiHub, uiError } from './ui.ts';

export type CounterButton = Extract<UiToAgent, { type: 'counter.button' }>['button'];

/**
 * A satisfaction estimate from the counter camera's model, as @oss/models' `ServiceEstimate` and
 * its proposed `emotion.submit` params: only numbers, never images.
 */
export interface SatisfactionEstimate {
  /** 0 = very dissatisfied, 0.5 = neutral, 1 = very satisfied. */
  satisfaction: number;
  confidence: number;
  frames: number;
  facesFound: number;
  model: string;
  expressions?: Record<string, number>;
  /** When the service ended (this device's clock, ms); the agent converts it to the server's clock. */
  measuredAt?: number;
}

/**
 * The hook for the emotion model (`createEmotionEstimator` from @oss/models, see
 * docs/device-agent.md): told when service of a ticket starts and ends; at the end it returns an
 * estimate or null. The default does nothing.
 */
export interface SatisfactionEstimator {
  onServiceStart(ticketId: string): void;
  onServiceEnd(ticketId: string): SatisfactionEstimate | null | Promise<SatisfactionEstimate | null>;
  close?(): void;
}

export const noEstimator: SatisfactionEstimator = {
  onServiceStart() {},
  onServiceEnd() {
    return null;
  },
};

/** The app's name of each panel button. */
export const PANEL_TO_BUTTON: Record<ButtonName, CounterButton> = {
  next: 'next',
  recall: 'recall',
  noShow: 'no-show',
  rating1: 'rate-1',
  rating2: 'rate-2',
  rating3: 'rate-3',
  rating4: 'rate-4',
  rating5: 'rate-5',
};

export interface CounterOptions {
  counterId: string;
  link: ServerLink;
  ui: UiHub;
  log: AgentLogger;
  panel: CounterPanel | null;
  display: CounterDisplay | null;
  estimator?: SatisfactionEstimator;
  /** Fetches a ticket's public view (for calls made from the officer's console). */
  fetchTicket?: (id: string) => Promise<Ticket | null>;
  /** Keeps the current ticket (public view only) across restarts. */
  store?: AgentStore;
}

export class CounterProfile {
  current: Ticket | null = null;
  /** The ticket finished last (by next or no-show): a late rating goes to it. */
  private lastFinished: Ticket | null = null;
  private lastFinishedAt = 0;
  private readonly rated = new Set<string>();
  /** Tickets an estimate was queued for (kept in `kv`): never a second `emotion.submit` for one. */
  private readonly estimated: Set<string>;
  private readonly estimating = new Set<Promise<void>>();
  private closed = false;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];
  readonly estimator: SatisfactionEstimator;

  constructor(private readonly o: CounterOptions) {
    this.estimator = o.estimator ?? noEstimator;
    let estimated: string[] = [];
    try {
      estimated = JSON.parse(o.store?.get('emotionSent') ?? '[]') as string[];
    } catch {}
    this.estimated = new Set(Array.isArray(estimated) ? estimated : []);
    if (o.panel) this.unsubscribe.push(o.panel.onPress((b) => void this.press(PANEL_TO_BUTTON[b], null)));
    this.unsubscribe.push(o.link.on('call', (call) => this.onCall(call)));
    this.unsubscribe.push(o.link.on('queue', (summary) => this.onSummary(summary)));
    // After a restart: the ticket that was at this counter, checked with the server once online.
    try {
      const saved = o.store?.get('counterCurrent');
      if (saved) {
        this.current = JSON.parse(saved) as Ticket;
        void this.press_(() => this.setCurrent(this.current));
      }
    } catch {
      this.current = null;
    }
    this.unsubscribe.push(
      o.link.on('online', (online) => {
        if (online) void this.press_(() => this.recheck());
      }),
    );
  }

  /** Drops the remembered current ticket when the server says it is no longer at this counter. */
  private async recheck(): Promise<void> {
    const current = this.current;
    if (!current || !this.o.fetchTicket) return;
    const fresh = await this.o.fetchTicket(current.id).catch(() => undefined);
    if (fresh === undefined || this.current !== current) return; // server not answering: keep it
    const here =
      fresh &&
      fresh.counterId === this.o.counterId &&
      (fresh.status === 'called' || fresh.status === 'serving');
    await this.setCurrent(here ? fresh : null);
  }

  greeting(): AgentToUi[] {
    return [{ type: 'counter.current', ticket: this.current }];
  }

  /** One button at a time, in order: a double press of next never skips a citizen unseen. */
  press(button: CounterButton, requestId: string | null, reply?: (m: AgentToUi) => void): Promise<void> {
    const run = this.busy.then(() => this.act(button, requestId, reply ?? ((m) => this.o.ui.broadcast(m))));
    this.busy = run.catch(() => {});
    return run;
  }

  private async act(
    button: CounterButton,
    requestId: string | null,
    reply: (m: AgentToUi) => void,
  ): Promise<void> {
    const { counterId, link } = this.o;
    try {
      switch (button) {
        case 'next': {
          const previous = this.current;
          const { ticket } = await link.request<{ ticket: Ticket | null }>('counter.next', { counterId });
          if (previous) await this.endService(previous);
          await this.setCurrent(ticket);
          if (ticket) this.estimator.onServiceStart(ticket.id);
          return;
        }
        case 'recall': {
          const { ticket } = await link.request<{ ticket: Ticket }>('counter.recall', { counterId });
          await this.setCurrent(ticket);
          return;
        }
        case 'no-show': {
          const current = this.current;
          if (!current) return reply(uiError(requestId, 'no_ticket', NO_TICKET));
          await link.request('counter.finish', { counterId, ticketId: current.id, outcome: 'no_show' });
          try {
            // Nobody was served: the estimate, if any, is dropped.
            void Promise.resolve(this.estimator.onServiceEnd(current.id)).catch(() => {});
          } catch {}
          this.rated.add(current.id); // nobody to rate
          await this.setCurrent(null);
          return;
        }
        default:
          return await this.rate(Number(button.slice('rate-'.length)), requestId, reply);
      }
    } catch (e) {
      if (e instanceof LinkError) {
        if (e.refusal)
          return reply(
            uiError(
              requestId,
              e.refusal.code,
              e.refusal.text ?? { vi: e.refusal.message, en: e.refusal.message },
            ),
          );
        return reply(
          uiError(requestId, e.code, {
            vi: 'Không kết nối được máy chủ, vui lòng thử lại',
            en: 'The server cannot be reached, please try again',
          }),
        );
      }
      this.o.log.error({ err: String(e), button }, 'counter button failed');
      reply(uiError(requestId, 'internal', { vi: 'Lỗi thiết bị', en: 'Device error' }));
    }
  }

  /**
   * Online, the server picks the ticket (the one being served, else the one finished here within
   * its window) and the citizen is thanked only when the rating counted; a refusal says why.
   * Offline, the rating is queued for the ticket the server would pick, and the citizen is told so.
   */
  private async rate(score: number, requestId: string | null, reply: (m: AgentToUi) => void): Promise<void> {
    const { counterId, link } = this.o;
    if (link.connected) {
      const { ticketId } = await link.request<{ ticketId?: string }>('rating.submit', { counterId, score });
      if (ticketId) this.rated.add(ticketId);
      await this.o.panel?.setLed('rateNow', false).catch(() => {});
      return reply({
        type: 'counter.rated',
        requestId,
        counted: true,
        message: RATING_COUNTED,
        ...(ticketId ? { ticketId } : {}),
      });
    }
    const recent = this.lastFinished && Date.now() - this.lastFinishedAt <= RATING_WINDOW_MS;
    const target = recent && !this.rated.has(this.lastFinished!.id) ? this.lastFinished : this.current;
    if (!target) return reply(uiError(requestId, 'no_ticket', NO_TICKET));
    if (this.rated.has(target.id)) return reply(uiError(requestId, 'already_rated', ALREADY_RATED));
    this.rated.add(target.id);
    // Durable: sent when the link returns; the server still checks it was served here, once.
    link.send('rating.submit', { counterId, ticketId: target.id, score });
    await this.o.panel?.setLed('rateNow', false).catch(() => {});
    reply({ type: 'counter.rated', requestId, counted: false, message: RATING_QUEUED });
  }

  private async endService(ticket: Ticket): Promise<void> {
    this.lastFinished = ticket;
    this.lastFinishedAt = Date.now();
    await this.o.panel?.setLed('rateNow', !this.rated.has(ticket.id)).catch(() => {});
    // Told at once (in order), but the estimate (which waits ~3 s for the citizen's reaction) is
    // awaited off the button queue: the officer's next press is never held up by the model.
    let result: ReturnType<SatisfactionEstimator['onServiceEnd']>;
    try {
      result = this.estimator.onServiceEnd(ticket.id);
    } catch (e) {
      this.o.log.warn({ err: String(e) }, 'satisfaction estimator failed');
      return;
    }
    const run = Promise.resolve(result)
      .then((estimate) => {
        if (estimate) this.submitEstimate(ticket.id, estimate);
      })
      .catch((e: unknown) => this.o.log.warn({ err: String(e) }, 'satisfaction estimator failed'))
      .finally(() => this.estimating.delete(run));
    this.estimating.add(run);
  }

  /** Estimates still being computed (tests wait for them). */
  settled(): Promise<void> {
    return Promise.all([...this.estimating]).then(() => {});
  }

  /** Queues `emotion.submit` (durable, like ratings), at most once per ticket. */
  private submitEstimate(ticketId: string, estimate: SatisfactionEstimate): void {
    if (this.closed || this.estimated.has(ticketId)) return;
    this.estimated.add(ticketId);
    this.o.store?.set('emotionSent', JSON.stringify([...this.estimated].slice(-200)));
    const offset = this.o.link.serverNow() - Date.now();
    this.o.link.send('emotion.submit', {
      counterId: this.o.counterId,
      ticketId,
      satisfaction: estimate.satisfaction,
      confidence: estimate.confidence,
      frames: estimate.frames,
      facesFound: estimate.facesFound,
      model: estimate.model,
      measuredAt: new Date((estimate.measuredAt ?? Date.now()) + offset).toISOString(),
      ...(estimate.expressions ? { expressions: estimate.expressions } : {}),
    });
  }

  private async setCurrent(ticket: Ticket | null): Promise<void> {
    this.current = ticket;
    this.o.store?.set('counterCurrent', ticket ? JSON.stringify(ticket) : '');
    this.o.ui.broadcast({ type: 'counter.current', ticket });
    await this.o.panel?.setLed('serving', ticket !== null).catch(() => {});
    try {
      if (ticket) await this.o.display?.show(ticket.number);
      else await this.o.display?.clear();
    } catch (e) {
      this.o.log.warn({ err: (e as Error).message }, 'counter display failed');
    }
  }

  /**
   * Start, finish, no-show and transfer made at the console are no calls: the queue summary (sent
   * within ~250 ms of every change) says this counter's number and status, and when they differ from
   * what is shown, the ticket's public view says what became of it.
   */
  private onSummary(summary: QueueSummary): void {
    const here = summary.counters.find((c) => c.counterId === this.o.counterId);
    const current = this.current;
    if (!here || !current) return;
    if (here.currentNumber === current.number && here.currentStatus === current.status) return;
    void this.press_(async () => {
      if (this.current !== current || !this.o.fetchTicket) return;
      const fresh = await this.o.fetchTicket(current.id).catch(() => undefined);
      if (fresh === undefined || this.current !== current) return; // server not answering: keep it
      const stillHere =
        fresh?.counterId === this.o.counterId && (fresh.status === 'called' || fresh.status === 'serving');
      if (stillHere) return this.setCurrent(fresh);
      if (fresh?.status === 'done') await this.endService(current);
      else this.rated.add(current.id); // no-show, transferred, cancelled: nothing to rate
      await this.setCurrent(null);
    });
  }

  /** A call for this counter made elsewhere (the officer's console): follow it. */
  private onCall(call: CallMessage): void {
    if (call.counterId !== this.o.counterId || this.current?.id === call.ticketId) return;
    void this.press_(async () => {
      const ticket = (await this.o.fetchTicket?.(call.ticketId).catch(() => null)) ?? null;
      if (this.current?.id === call.ticketId) return;
      if (this.current) await this.endService(this.current);
      await this.setCurrent(
        ticket ?? {
          id: call.ticketId,
          number: call.number,
          serviceId: call.serviceId,
          priority: call.priority,
          status: 'called',
          issuedAt: call.calledAt,
          ahead: 0,
          etaMinutes: 0,
          counterId: call.counterId,
          calledAt: call.calledAt,
        },
      );
      this.estimator.onServiceStart(call.ticketId);
    });
  }

  private press_(task: () => Promise<void>): Promise<void> {
    const run = this.busy.then(task);
    this.busy = run.catch(() => {});
    return run;
  }

  close(): void {
    this.closed = true;
    for (const u of this.unsubscribe) u();
    this.estimator.close?.();
  }
}

const NO_TICKET = { vi: 'Quầy chưa có số nào đang phục vụ', en: 'No ticket at this counter' };
const ALREADY_RATED = {
  vi: 'Lượt phục vụ này đã được đánh giá. Xin cảm ơn!',
  en: 'This service was already rated. Thank you!',
};
const RATING_COUNTED = { vi: 'Cảm ơn quý khách đã đánh giá!', en: 'Thank you for your rating!' };
const RATING_QUEUED = {
  vi: 'Chưa kết nối được máy chủ: đánh giá của quý khách sẽ được gửi khi có kết nối lại',
  en: 'The server cannot be reached: your rating will be sent when the connection returns',
};
