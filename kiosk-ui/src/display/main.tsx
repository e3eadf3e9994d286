/**
 * The display board (TV, 1920×1080, read from 5 m): the number each counter is calling, the last calls,
 * waiting and predicted wait per service, notices. A new call is highlighted, chimes and is spoken.
 * It follows `/api/events` and re-fetches everything after each reconnection (server restarts).
 */
import '../shared/style.css';
import './board.css';
import type { CallMessage, QueueSummary } from '@oss/protocol';
import { localClock } from '@oss/protocol/time';
import { signal } from '@preact/signals';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { agentFeed, probeAgent } from '../shared/agent-feed.ts';
import { Api, type ServiceInfo, type SiteInfo } from '../shared/api.ts';
import { playChime } from '../shared/chime.ts';
import { loc, type StringKey, t } from '../shared/i18n.ts';
import { Icon } from '../shared/icons.tsx';
import { liveFeed } from '../shared/live.ts';
import { appRoot, Emblem } from '../shared/ui.tsx';

const api = new Api();
const params = new URLSearchParams(location.search);
/** `?speak=0`: chime only. With an agent, the page makes no sound at all (the agent speaks). */
const speech = params.get('speak') !== '0';
let sound = true;
/** Where the announcements' files are: the page's own server, or the server behind a display Pi's agent. */
let mediaBase = '';
const HIGHLIGHT_MS = 10_000;
const RECENT = 8;

type Call = Omit<CallMessage, 'ticketId'>;

const site = signal<SiteInfo | null>(null);
const services = signal<ServiceInfo[]>([]);
const queue = signal<QueueSummary | null>(null);
const recent = signal<Call[]>([]);
const latest = signal<Call | null>(null);
const fresh = signal<Record<string, number>>({});
const connected = signal(false);
const soundBlocked = signal(false);
const calls = signal(0);

let audio: AudioContext | null = null;

function chime(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') {
      soundBlocked.value = true;
      void audio.resume().then(() => (soundBlocked.value = audio?.state !== 'running'));
    }
    playChime(audio);
  } catch {
    // no audio device: the highlight still shows
  }
}

/** "A012" → "A 0 1 2": read digit by digit, as Vietnamese call systems (and the agent's clips) do. */
export function spokenNumber(number: string): string {
  return [...number].join(' ');
}

function announce(call: Call): void {
  if (!sound) return;
  chime();
  if (!speech || typeof speechSynthesis === 'undefined') return;
  const text = t('display.call', { number: spokenNumber(call.number), counter: call.counterNumber }, 'vi');
  const u = new SpeechSynthesisUtterance(text);
  u.lang = 'vi-VN';
  const voice = speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith('vi'));
  if (voice) u.voice = voice;
  u.rate = 0.9;
  // Let the chime finish first.
  setTimeout(() => speechSynthesis.speak(u), 900);
}

function onCall(data: unknown): void {
  const call = data as Call;
  calls.value++;
  latest.value = call;
  recent.value = [call, ...recent.value.filter((c) => c.number !== call.number)].slice(0, RECENT);
  const now = Date.now();
  const next: Record<string, number> = {};
  for (const [k, until] of Object.entries(fresh.value)) if (until > now) next[k] = until;
  next[call.counterId] = now + HIGHLIGHT_MS;
  fresh.value = next;
  announce(call);
}

async function load(): Promise<void> {
  try {
    const [s, svc, q, called] = await Promise.all([
      api.site(),
      api.services(),
      api.queue(),
      api.recentCalls(),
    ]);
    site.value = s;
    services.value = svc;
    queue.value = q;
    // After a reload or a reconnection the server's list is the whole truth; a live call adds to it.
    recent.value = called.slice(0, RECENT);
    latest.value ??= called[0] ?? null;
  } catch {
    setTimeout(load, 3000);
  }
}

/** Both languages at once: Vietnamese large, English small. */
function Both({ k, params: p }: { k: StringKey; params?: Record<string, string | number> }) {
  return (
    <>
      {t(k, p, 'vi')} <small class="en">/ {t(k, p, 'en')}</small>
    </>
  );
}

const NOTICES: StringKey[] = ['display.notice1', 'display.notice2', 'display.notice3', 'display.notice4'];

/** Rows and columns of counter tiles for a landscape body about twice as wide as tall (8 → 2×4, 20 → 4×5). */
export function tileGrid(count: number): { rows: number; cols: number } {
  const rows = Math.max(1, Math.ceil(Math.sqrt(count / 2)));
  return { rows, cols: Math.max(1, Math.ceil(count / rows)) };
}

/** Every notice in one line that scrolls by at a reading pace (about 12 characters a second). */
function Ticker() {
  const text = NOTICES.map((k) => `${t(k, {}, 'vi')} / ${t(k, {}, 'en')}`);
  const seconds = Math.max(20, Math.round(text.join('   ').length / 12));
  return (
    <aside class="board-ticker" aria-label={t('display.notices', {}, 'vi')}>
      <div class="ticker-track" role="marquee" style={{ '--ticker-seconds': `${seconds}s` }}>
        {NOTICES.map((k) => (
          <span class="ticker-item" key={k}>
            <Both k={k} />
          </span>
        ))}
      </div>
    </aside>
  );
}

type Announcement = NonNullable<SiteInfo['announcements']>[number];

/**
 * The site's images and videos, one at a time, each for its `seconds`. A grid cell of its own between
 * the recent calls and the services: it never covers a call. Videos are muted (the chime and the
 * spoken call stay audible), looped and inline.
 */
function Announcements({ items }: { items: Announcement[] }) {
  const [index, setIndex] = useState(0);
  const item = items[index % items.length]!;
  useEffect(() => {
    if (items.length < 2) return;
    const id = setTimeout(() => setIndex((i) => (i + 1) % items.length), item.seconds * 1000);
    return () => clearTimeout(id);
  }, [index, items, item]);
  const label = `${item.title.vi} / ${item.title.en}`;
  const src = `${mediaBase}${item.url}`;
  return (
    <section class="board-media" aria-label={t('display.announcements', {}, 'vi')} data-shown={index}>
      {item.kind === 'image' ? (
        <img key={item.url} src={src} alt={label} />
      ) : (
        <video key={item.url} src={src} aria-label={label} muted loop playsInline autoPlay />
      )}
    </section>
  );
}

function Board() {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const s = site.value;
  const q = queue.value;
  const call = latest.value;
  const highlight = call && (fresh.value[call.counterId] ?? 0) > now;
  const grid = tileGrid(q?.counters.length ?? 8);
  const media = s?.announcements ?? [];
  const layout = { '--rows': grid.rows, '--cols': grid.cols, '--services': q?.services.length ?? 6 };
  // Until the site and its queue are known the page's boot line stays: a board drawn empty would
  // have its tiles arrive later and push the rest down (layout shift).
  if (!s || !q)
    return (
      <p class="boot">
        <Both k="common.loading" />
      </p>
    );
  return (
    <div
      class={`board ${media.length > 0 ? 'with-media' : ''}`}
      data-ready="true"
      data-calls={calls.value}
      style={layout}
    >
      <header class="board-header">
        <Emblem />
        <h1>{s ? loc(s.site.name, 'vi') : ''}</h1>
        {!connected.value && <div class="board-offline">{t('common.offline', {}, 'vi')}</div>}
        {soundBlocked.value && (
          <button
            type="button"
            class="btn btn-secondary sound-button"
            onClick={() => audio?.resume().then(() => (soundBlocked.value = false))}
          >
            <Icon name="speaker" /> {t('display.sound', {}, 'vi')}
          </button>
        )}
        <time class="board-clock">{localClock(now, s.site.timezone)}</time>
      </header>
      <section
        aria-label={t('display.nowServing', {}, 'vi')}
        class={`board-call ${highlight ? 'flash' : ''}`}
        data-latest={call?.number ?? ''}
        key={call ? `${call.number}-${call.calledAt}` : 'none'}
      >
        {call ? (
          <>
            <span class="call-text">{t('display.nowServing', {}, 'vi')}</span>
            <span class="call-number">{call.number}</span>
            <span class="call-text">{t('display.toCounter', { n: call.counterNumber }, 'vi')}</span>
            <span class="call-text en">
              / {t('display.call', { number: call.number, counter: call.counterNumber }, 'en')}
            </span>
          </>
        ) : (
          <span class="call-text">{t('display.notice1', {}, 'vi')}</span>
        )}
      </section>
      <main class="board-body">
        <div class="board-counters">
          {q?.counters.map((c) => {
            const isFresh = (fresh.value[c.counterId] ?? 0) > now;
            return (
              <div
                key={c.counterId}
                class={`counter-tile ${isFresh ? 'fresh' : ''} ${c.open ? '' : 'closed'}`}
                data-counter={c.counterId}
                data-number={c.currentNumber ?? ''}
              >
                <span class="tile-counter">
                  <Both k="common.counter" params={{ n: c.number }} />
                </span>
                {c.currentNumber ? (
                  <span class="tile-number">{c.currentNumber}</span>
                ) : (
                  <span class="tile-idle">
                    {c.open ? t('display.free', {}, 'vi') : t('display.closed', {}, 'vi')}
                  </span>
                )}
              </div>
            );
          })}
        </div>
        <div class="board-side">
          <section class="board-recent">
            <h2>
              <Both k="display.recent" />
            </h2>
            <ul class="recent">
              {recent.value.map((c) => (
                <li key={`${c.number}-${c.calledAt}`}>
                  <span>{c.number}</span>
                  <span>→ {t('common.counter', { n: c.counterNumber }, 'vi')}</span>
                </li>
              ))}
            </ul>
          </section>
          {media.length > 0 && <Announcements items={media} />}
          <section>
            <table class="svc-table">
              <thead>
                <tr>
                  <th>
                    <Both k="display.services" />
                  </th>
                  <th class="n">
                    <Both k="display.waiting" />
                  </th>
                  <th class="n">
                    <Both k="display.eta" />
                  </th>
                </tr>
              </thead>
              <tbody>
                {q?.services.map((sv) => {
                  const def = services.value.find((x) => x.id === sv.serviceId);
                  if (!def) return null;
                  return (
                    <tr key={sv.serviceId} data-service={sv.serviceId}>
                      <td>
                        <b>{sv.prefix}</b> {loc(def.name, 'vi')}
                      </td>
                      <td class="n" data-waiting={sv.waiting}>
                        {sv.waiting}
                      </td>
                      <td class="n">
                        {sv.noCounterOpen
                          ? t('common.noCounterOpen', {}, 'vi')
                          : t('common.minutes', { n: sv.etaMinutes }, 'vi')}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        </div>
      </main>
      <Ticker />
    </div>
  );
}

async function start(): Promise<void> {
  // Served by a display Pi's agent: its WebSocket brings the queue and the calls, and the agent says
  // the calls aloud itself (recorded clips), so the page stays silent.
  const agent = await probeAgent();
  if (agent) {
    sound = false;
    // The agent proxies JSON reads only: images and videos come from the server itself.
    mediaBase = agent.serverUrl.replace(/\/+$/, '');
    const feed = agentFeed(
      (m) => {
        if (m.type === 'queue') queue.value = m.summary;
        else if (m.type === 'call') onCall(m.call);
      },
      () => void load(),
    );
    feed.connected.subscribe((c) => (connected.value = c));
    return;
  }
  const feed = liveFeed(
    '/api/events',
    {
      queue: (summary) => {
        queue.value = summary as QueueSummary;
      },
      call: onCall,
    },
    () => void load(),
  );
  feed.connected.subscribe((c) => (connected.value = c));
}

void start();
render(<Board />, appRoot());
