/**
 * The citizens' kiosk: take a ticket, find a procedure, follow a ticket, check a booking in, look a
 * dossier up. Touch first, Vietnamese first.
 */

import type { DossierInfo } from '@oss/protocol';
import { vnDate } from '@oss/protocol/time';
import { useComputed, useSignalEffect } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, ApiError, errorText, type ProcedureInfo, type ServiceInfo } from '../shared/api.ts';
import { lang, loc, t, toggleLang } from '../shared/i18n.ts';
import { Icon, type IconName } from '../shared/icons.tsx';
import { Qr } from '../shared/qr.tsx';
import { Emblem } from '../shared/ui.tsx';
import { Keyboard } from './keyboard.tsx';
import { fieldsOf, fold, indexProcedures, searchProcedures } from './search.ts';
import { age, data, go, resetSession, session, siteToday, transportRef, ui } from './state.ts';
import { loadDeviceConfig, saveDeviceConfig } from './transport.ts';

/** Speaks a text when read-aloud is on (Vietnamese voice when the system has one). */
export function speak(text: string): void {
  if (!ui.readAloud.value || typeof speechSynthesis === 'undefined') return;
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = lang.value === 'vi' ? 'vi-VN' : 'en-GB';
  const voice = speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith(lang.value));
  if (voice) u.voice = voice;
  speechSynthesis.speak(u);
}

function serviceName(id: string | null): string {
  const s = data.services.value.find((x) => x.id === id);
  return s ? loc(s.name) : (id ?? '');
}

function BigButton(props: { id: string; title: string; hint: string; icon: IconName; onClick: () => void }) {
  return (
    <button type="button" class="big-button" data-action={props.id} onClick={props.onClick}>
      <span class="big-icon">
        <Icon name={props.icon} size="1em" />
      </span>
      <span class="big-title">{props.title}</span>
      <span class="big-hint">{props.hint}</span>
    </button>
  );
}

function Home() {
  const waiting = data.queue.value?.services.reduce((a, s) => a + s.waiting, 0) ?? null;
  return (
    <section class="screen screen-home" data-screen="home">
      <h2 class="welcome">{t('kiosk.welcome')}</h2>
      <div class="home-actions">
        <BigButton
          id="take"
          icon="ticket"
          title={t('kiosk.take')}
          hint={t('kiosk.takeHint')}
          onClick={() => go('services')}
        />
        <BigButton
          id="find"
          icon="search"
          title={t('kiosk.find')}
          hint={t('kiosk.findHint')}
          onClick={() => go('search')}
        />
        <BigButton
          id="follow"
          icon="clock"
          title={t('kiosk.follow')}
          hint={t('kiosk.followHint')}
          onClick={() => go('follow')}
        />
      </div>
      <div class="home-more">
        {data.site.value?.appointments && (
          <button
            type="button"
            class="btn btn-secondary btn-large"
            data-action="appointment"
            onClick={() => go('appointment')}
          >
            {t('kiosk.appointment')}
          </button>
        )}
        <button
          type="button"
          class="btn btn-secondary btn-large"
          data-action="dossier"
          onClick={() => go('dossier')}
        >
          {t('kiosk.dossier')}
        </button>
      </div>
      {waiting !== null && <p class="home-status">{t('kiosk.waitingNow', { n: waiting })}</p>}
    </section>
  );
}

/** Starts the ticket flow for a service (and maybe a procedure). */
function startTicket(serviceId: string, procedureId: string | null = null): void {
  session.serviceId.value = serviceId;
  session.procedureId.value = procedureId;
  session.error.value = null;
  const hw = transportRef.value?.hardware();
  if (transportRef.value?.mode === 'agent' && (hw?.scanner || hw?.cardReader)) go('identify');
  else go('priority');
}

function Services() {
  const queue = data.queue.value;
  return (
    <section class="screen" data-screen="services">
      <h2>{t('kiosk.chooseService')}</h2>
      <div class="service-grid">
        {data.services.value.map((s) => {
          const q = queue?.services.find((x) => x.serviceId === s.id);
          return (
            <button
              type="button"
              class="service-button"
              key={s.id}
              data-service={s.id}
              onClick={() => startTicket(s.id)}
            >
              <span class="service-prefix">{s.prefix}</span>
              <span class="service-name">{loc(s.name)}</span>
              {q && (
                <span class="service-wait">
                  {q.noCounterOpen
                    ? t('kiosk.serviceNoCounter', { waiting: q.waiting })
                    : t('kiosk.serviceWait', { waiting: q.waiting, eta: q.etaMinutes })}
                </span>
              )}
            </button>
          );
        })}
      </div>
    </section>
  );
}

function Search() {
  const index = useMemo(() => indexProcedures(data.procedures.value), [data.procedures.value]);
  const fields = useMemo(() => fieldsOf(data.procedures.value), [data.procedures.value]);
  const query = ui.query.value;
  const field = ui.field.value;
  const results = searchProcedures(index, query).filter((p) => !field || fold(p.field.vi) === field);
  return (
    <section class="screen screen-search" data-screen="search">
      <h2>{t('kiosk.searchTitle')}</h2>
      <input
        class="search-input"
        type="search"
        aria-label={t('kiosk.searchTitle')}
        placeholder={t('kiosk.searchPlaceholder')}
        value={query}
        onInput={(e) => {
          ui.query.value = e.currentTarget.value;
        }}
      />
      <fieldset class="fields" aria-label={t('kiosk.byField')}>
        <button
          type="button"
          class={`chip ${field === null ? 'chip-on' : ''}`}
          onClick={() => (ui.field.value = null)}
        >
          {t('kiosk.allFields')}
        </button>
        {fields.map((f) => (
          <button
            type="button"
            key={f.key}
            data-field={f.key}
            class={`chip ${field === f.key ? 'chip-on' : ''}`}
            onClick={() => (ui.field.value = f.key)}
          >
            {loc(f.name)}
          </button>
        ))}
      </fieldset>
      <p class="result-count" aria-live="polite">
        {t('kiosk.searchCount', { n: results.length })}
      </p>
      <ul class="results">
        {results.length === 0 && <li class="empty">{t('kiosk.searchNone')}</li>}
        {results.slice(0, 30).map((p) => (
          <li key={p.id}>
            <button
              type="button"
              class="result"
              data-procedure={p.id}
              onClick={() => {
                ui.procedureId.value = p.id;
                go('procedure');
              }}
            >
              <span class="result-name">{loc(p.name)}</span>
              <span class="result-field">{loc(p.field)}</span>
            </button>
          </li>
        ))}
      </ul>
      <Keyboard value={query} onChange={(v) => (ui.query.value = v)} />
    </section>
  );
}

function countersFor(service: ServiceInfo | undefined): string {
  if (!service) return '';
  const numbers = data.counters.value
    .filter((c) => c.serviceIds.includes(service.id))
    .map((c) => c.number)
    .sort((a, b) => a - b);
  return numbers.map((n) => t('common.counter', { n })).join(', ');
}

function Procedure() {
  const p: ProcedureInfo | undefined = data.procedures.value.find((x) => x.id === ui.procedureId.value);
  if (!p) return null;
  const service = data.services.value.find((s) => s.id === p.serviceId);
  return (
    <section class="screen screen-procedure" data-screen="procedure">
      <h2>{loc(p.name)}</h2>
      <p class="muted">
        {loc(p.field)} · {t('kiosk.procCode', { code: p.code })}
      </p>
      <div class="proc-grid">
        <div class="card">
          <h3>{t('kiosk.papers')}</h3>
          <ol class="papers">
            {p.requiredPapers.map((paper, i) => (
              <li key={i}>{loc(paper)}</li>
            ))}
          </ol>
        </div>
        <div class="card">
          <h3>{t('kiosk.fee')}</h3>
          <p>{loc(p.fee)}</p>
          <h3>{t('kiosk.time')}</h3>
          <p>{loc(p.processingTime)}</p>
          <h3>{t('kiosk.where')}</h3>
          <p class="where">
            {service ? `${loc(service.name)} (${service.prefix}): ` : ''}
            {countersFor(service)}
          </p>
          {p.legalBasis.length > 0 && (
            <>
              <h3>{t('kiosk.legal')}</h3>
              <p class="muted small">{p.legalBasis.join('; ')}</p>
            </>
          )}
        </div>
      </div>
      <button
        type="button"
        class="btn btn-primary btn-huge"
        data-action="take-for"
        onClick={() => startTicket(p.serviceId, p.id)}
      >
        <Icon name="ticket" /> {t('kiosk.takeFor')}
      </button>
    </section>
  );
}

function Identify() {
  const identity = session.identity.value;
  const hw = transportRef.value?.hardware();
  const readChip = async () => {
    session.error.value = null;
    try {
      await transportRef.value?.readChip();
    } catch (e) {
      session.error.value = errorText(e);
    }
  };
  return (
    <section class="screen screen-identify" data-screen="identify">
      <h2>{t('kiosk.identifyTitle')}</h2>
      <p class="consent">{t('kiosk.consent')}</p>
      {identity ? (
        <div class="card identity" data-identity="read">
          <h3>✔ {t('kiosk.identified')}</h3>
          <dl>
            <dt>{t('kiosk.name')}</dt>
            <dd class="identity-name">{identity.fullName}</dd>
            <dt>{t('kiosk.birthDate')}</dt>
            <dd>{identity.birthDate.split('-').reverse().join('/')}</dd>
            <dt>{t('kiosk.idNumber')}</dt>
            <dd>{identity.maskedId}</dd>
          </dl>
          <button type="button" class="btn btn-primary btn-huge" onClick={() => go('priority')}>
            {t('kiosk.continue')}
          </button>
        </div>
      ) : (
        <div class="identify-ways">
          {hw?.scanner && (
            <p class="card big-text">
              <Icon name="scan" /> {t('kiosk.identifyScan')}
            </p>
          )}
          {hw?.cardReader && (
            <button type="button" class="btn btn-secondary btn-huge" onClick={readChip}>
              <Icon name="card" /> {t('kiosk.readChip')}
            </button>
          )}
          {session.chipStep.value && (
            <p class="chip-step" aria-live="polite">
              {t(`kiosk.chip.${session.chipStep.value}` as 'kiosk.chip.done')}
            </p>
          )}
        </div>
      )}
      {session.error.value && <p class="banner banner-error">{loc(session.error.value)}</p>}
      <button type="button" class="btn btn-ghost btn-large" data-action="skip" onClick={() => go('priority')}>
        {t('kiosk.skip')}
      </button>
    </section>
  );
}

async function issue(priority: string | null): Promise<void> {
  const transport = transportRef.value;
  const serviceId = session.serviceId.value;
  if (!transport || !serviceId) return;
  go('issuing');
  session.error.value = null;
  const identity = session.identity.value;
  try {
    const result = await transport.issue({
      serviceId,
      lang: lang.value,
      ...(priority ? { priority } : {}),
      ...(session.procedureId.value ? { procedureId: session.procedureId.value } : {}),
      ...(identity ? { useIdentity: true, birthDate: identity.birthDate } : {}),
    });
    session.result.value = result;
    go('ticket');
    const eta = result.ticket.etaRange;
    speak(
      `${t('kiosk.yourNumber')}: ${result.ticket.number.split('').join(' ')}. ${t('kiosk.ahead')}: ${result.ticket.ahead}. ` +
        (eta ? t('common.minutesRange', { low: eta.low, high: eta.high }) : ''),
    );
  } catch (e) {
    session.error.value =
      e instanceof ApiError && (e.status === 401 || e.code === 'unauthorized')
        ? { vi: t('kiosk.notConfigured', {}, 'vi'), en: t('kiosk.notConfigured', {}, 'en') }
        : {
            vi: t('kiosk.issueFailed', { message: errorText(e).vi }, 'vi'),
            en: t('kiosk.issueFailed', { message: errorText(e).en }, 'en'),
          };
    go('priority');
  }
}

function Priority() {
  const site = data.site.value;
  const identity = session.identity.value;
  const classes = site?.priorityClasses.filter((c) => c.declarable) ?? [];
  const today = site ? siteToday(site.site.timezone) : null;
  const auto =
    identity && today
      ? classes.find((c) => c.minAge !== undefined && age(identity.birthDate, today) >= c.minAge)
      : undefined;
  return (
    <section class="screen screen-priority" data-screen="priority">
      <h2>{t('kiosk.priorityTitle')}</h2>
      <p class="muted">{t('kiosk.priorityHint')}</p>
      <p class="chosen-service">
        {t('common.service')}: <strong>{serviceName(session.serviceId.value)}</strong>
      </p>
      {session.error.value && (
        <p class="banner banner-error" role="alert">
          {loc(session.error.value)}
        </p>
      )}
      <div class="priority-grid">
        {auto && (
          <button
            type="button"
            class="priority-button priority-auto"
            data-priority={auto.id}
            onClick={() => issue(auto.id)}
          >
            ★ {loc(auto.name)}
            <small>{t('kiosk.priorityAuto')}</small>
          </button>
        )}
        {classes
          .filter((c) => c.id !== auto?.id)
          .map((c) => (
            <button
              type="button"
              class="priority-button"
              key={c.id}
              data-priority={c.id}
              onClick={() => issue(c.id)}
            >
              {loc(c.name)}
            </button>
          ))}
        {!auto && (
          <button
            type="button"
            class="priority-button priority-none"
            data-priority="normal"
            onClick={() => issue(null)}
          >
            {t('kiosk.priorityNone')}
          </button>
        )}
      </div>
    </section>
  );
}

function Issuing() {
  return (
    <section class="screen screen-issuing" data-screen="issuing" aria-busy="true">
      <div class="spinner" aria-hidden="true" />
      <h2>{t('kiosk.issuing')}</h2>
    </section>
  );
}

function TicketScreen() {
  const result = session.result.value;
  if (!result) return null;
  const { ticket } = result;
  const agent = transportRef.value?.mode === 'agent';
  const eta = ticket.etaRange;
  return (
    <section class="screen screen-ticket" data-screen="ticket">
      <div class="ticket-card">
        <p class="ticket-label">{t('kiosk.yourNumber')}</p>
        <p class="ticket-number" data-ticket-number={ticket.number}>
          {ticket.number}
        </p>
        <p class="ticket-service">{serviceName(ticket.serviceId)}</p>
        <div class="ticket-facts">
          <div>
            <span class="fact-label">{t('kiosk.ahead')}</span>
            <span class="fact-value" data-ahead={ticket.ahead}>
              {ticket.ahead}
            </span>
          </div>
          <div>
            <span class="fact-label">{t('kiosk.predicted')}</span>
            <span class="fact-value">
              {ticket.offline
                ? t('kiosk.noEstimate')
                : ticket.noCounterOpen
                  ? t('common.noCounterOpen')
                  : eta
                    ? t('common.minutesRange', { low: eta.low, high: eta.high })
                    : t('common.minutes', { n: ticket.etaMinutes })}
            </span>
          </div>
        </div>
        <div class="ticket-qr">
          <Qr text={result.url} label={t('kiosk.scanToFollow')} size={220} />
          <p>{t('kiosk.scanToFollow')}</p>
        </div>
      </div>
      <p
        class={`banner ${agent && result.printed ? 'banner-ok' : agent ? 'banner-error' : 'banner-info'}`}
        data-printed={String(result.printed)}
        role="status"
      >
        {agent ? (result.printed ? t('kiosk.printed') : t('kiosk.notPrinted')) : t('kiosk.screenOnly')}
      </p>
      {ticket.offline && (
        <p class="banner banner-info" data-offline-ticket>
          {t('kiosk.offlineTicket')}
        </p>
      )}
      <p class="muted">{t('kiosk.listen')}</p>
      <button type="button" class="btn btn-primary btn-huge" data-action="done" onClick={resetSession}>
        {t('kiosk.done')}
      </button>
    </section>
  );
}

function Follow() {
  const [answer, setAnswer] = useState<string | null>(null);
  const check = () => {
    const number = ui.followInput.value.trim().toUpperCase();
    const m = /^([A-Z])(\d{1,4})$/.exec(number);
    const service = m ? data.services.value.find((s) => s.prefix === m[1]) : undefined;
    const queue = data.queue.value;
    if (!m || !service || !queue) return setAnswer(t('kiosk.followUnknown'));
    const padded = m[1]! + m[2]!.padStart(3, '0');
    const at = queue.counters.find((c) => c.currentNumber === padded || c.currentNumber === number);
    if (at) return setAnswer(t('kiosk.followCalled', { number: padded, counter: at.number }));
    const s = queue.services.find((x) => x.serviceId === service.id);
    setAnswer(
      t('kiosk.followService', {
        service: loc(service.name),
        last: s?.lastCalled ?? t('common.none'),
        waiting: s?.waiting ?? 0,
      }),
    );
  };
  return (
    <section class="screen screen-follow" data-screen="follow">
      <h2>{t('kiosk.followTitle')}</h2>
      <div class="follow-row">
        <input
          class="search-input follow-input"
          aria-label={t('kiosk.followEnter')}
          placeholder={t('kiosk.followEnter')}
          value={ui.followInput.value}
          onInput={(e) => (ui.followInput.value = e.currentTarget.value)}
        />
        <button type="button" class="btn btn-primary btn-large" data-action="check" onClick={check}>
          {t('kiosk.followCheck')}
        </button>
      </div>
      {answer && (
        <p class="card big-text follow-answer" aria-live="polite">
          {answer}
        </p>
      )}
      <p class="muted">{t('kiosk.followPhone')}</p>
      <Keyboard
        value={ui.followInput.value}
        onChange={(v) => (ui.followInput.value = v.toUpperCase())}
        mode="ticket"
      />
    </section>
  );
}

/** "Tôi đã đặt lịch hẹn": the booking's code gives its ticket (the server checks it and its time). */
function AppointmentCheckIn() {
  const code = ui.codeInput.value;
  const checkIn = async () => {
    const transport = transportRef.value;
    const serviceId = data.services.value[0]?.id;
    if (!transport || !serviceId || code.length < 6) return;
    session.error.value = null;
    go('issuing');
    try {
      // Any service: the server issues for the booking's own service and procedure.
      session.result.value = await transport.issue({ serviceId, lang: lang.value, appointmentCode: code });
      go('ticket');
    } catch (e) {
      session.error.value = errorText(e);
      go('appointment');
    }
  };
  return (
    <section class="screen screen-code" data-screen="appointment">
      <h2>{t('kiosk.appointmentTitle')}</h2>
      <p class="muted">{t('kiosk.appointmentHint')}</p>
      <CodeEntry label={t('kiosk.appointmentCode')} action={t('kiosk.appointmentGo')} onGo={checkIn} />
    </section>
  );
}

/** "Tra cứu hồ sơ": the status of a dossier from the province's system, by its receipt code. */
function DossierLookup() {
  const [answer, setAnswer] = useState<DossierInfo | null>(null);
  const lookup = async () => {
    session.error.value = null;
    setAnswer(null);
    try {
      const api = new Api({ base: transportRef.value?.serverUrl ?? '' });
      const r = await api.get<{ dossier: DossierInfo }>(
        `/api/dossiers/${encodeURIComponent(ui.codeInput.value)}`,
      );
      setAnswer(r.dossier);
    } catch (e) {
      session.error.value = errorText(e);
    }
  };
  return (
    <section class="screen screen-code" data-screen="dossier">
      <h2>{t('kiosk.dossierTitle')}</h2>
      <p class="muted">{t('kiosk.dossierHint')}</p>
      <CodeEntry label={t('kiosk.dossierCode')} action={t('kiosk.dossierGo')} onGo={lookup}>
        {answer && (
          <div class="card big-text dossier-answer" aria-live="polite" data-status={answer.status}>
            <strong>{loc(answer.statusText)}</strong>
            {answer.procedureName && <p>{answer.procedureName}</p>}
            {answer.dueAt && (
              <p class="muted">{t('kiosk.dossierDue', { date: vnDate(answer.dueAt.slice(0, 10)) })}</p>
            )}
          </div>
        )}
      </CodeEntry>
    </section>
  );
}

/**
 * A code typed on the kiosk's keyboard, with the screen's one action; a stale message goes as typing
 * starts. The answer (`children`) sits above the keyboard, so it is seen on a landscape screen too.
 */
function CodeEntry(props: { label: string; action: string; onGo: () => void; children?: ComponentChildren }) {
  const { label, action, onGo } = props;
  const change = (v: string) => {
    session.error.value = null;
    ui.codeInput.value = v.toUpperCase();
  };
  return (
    <>
      <div class="follow-row">
        <input
          class="search-input follow-input"
          aria-label={label}
          placeholder={label}
          value={ui.codeInput.value}
          onInput={(e) => change(e.currentTarget.value)}
        />
        <button type="button" class="btn btn-primary btn-large" data-action="go" onClick={onGo}>
          {action}
        </button>
      </div>
      {session.error.value && (
        <p class="banner banner-error" role="alert">
          {loc(session.error.value)}
        </p>
      )}
      {props.children}
      <Keyboard value={ui.codeInput.value} onChange={change} mode="code" />
    </>
  );
}

function Setup({ onSaved }: { onSaved: () => void }) {
  const current = loadDeviceConfig();
  const [deviceId, setDeviceId] = useState(current?.deviceId ?? '');
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const mode = transportRef.value?.mode === 'agent' ? t('setup.modeAgent') : t('setup.modeBrowser');
  return (
    <section class="screen screen-setup" data-screen="setup">
      <h2>{t('setup.title')}</h2>
      <p>{t('setup.mode', { mode })}</p>
      <form
        class="card setup-form"
        onSubmit={(e) => {
          e.preventDefault();
          saveDeviceConfig({ deviceId: deviceId.trim(), password: password.trim() });
          setSaved(true);
          onSaved();
        }}
      >
        <label>
          {t('setup.deviceId')}
          <input
            name="deviceId"
            value={deviceId}
            onInput={(e) => setDeviceId(e.currentTarget.value)}
            required
          />
        </label>
        <label>
          {t('setup.password')}
          <input
            name="devicePassword"
            type="password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </label>
        <p class="muted small">{t('setup.hint')}</p>
        <div class="row">
          <button type="submit" class="btn btn-primary">
            {t('common.save')}
          </button>
          <button
            type="button"
            class="btn btn-ghost"
            onClick={() => {
              saveDeviceConfig(null);
              onSaved();
            }}
          >
            {t('setup.clear')}
          </button>
        </div>
        {saved && (
          <p class="banner banner-ok" role="status">
            {t('setup.saved')}
          </p>
        )}
      </form>
    </section>
  );
}

function IdleWarning() {
  const left = ui.idleLeft.value;
  if (left === null) return null;
  return (
    <div class="overlay" role="alertdialog" aria-modal="true" data-idle-warning>
      <div class="overlay-card">
        <h2>{t('kiosk.idleTitle')}</h2>
        <p class="big-text">{t('kiosk.idleBody', { n: left })}</p>
        <button type="button" class="btn btn-primary btn-huge">
          {t('kiosk.idleStay')}
        </button>
      </div>
    </div>
  );
}

function PrinterBanner() {
  const w = ui.printerWarning.value;
  if (!w || transportRef.value?.mode !== 'agent') return null;
  const text =
    w === 'out'
      ? t('kiosk.printerPaperOut')
      : w === 'near-end'
        ? t('kiosk.printerNearEnd')
        : t('kiosk.printerProblem', { message: loc(ui.printerMessage.value) });
  return (
    <p class="banner banner-warn printer-banner" role="status" data-printer={w}>
      <Icon name="printer" /> {text}
    </p>
  );
}

function A11yBar() {
  const sizes = [t('kiosk.textNormal'), t('kiosk.textLarge'), t('kiosk.textXLarge')];
  return (
    <section class="a11y-bar" aria-label={t('kiosk.options')}>
      <fieldset class="a11y-group" aria-label={t('kiosk.textSize')}>
        <span class="a11y-label">{t('kiosk.textSize')}</span>
        {sizes.map((label, i) => (
          <button
            type="button"
            key={label}
            class={`chip ${ui.textSize.value === i ? 'chip-on' : ''}`}
            aria-pressed={ui.textSize.value === i}
            onClick={() => (ui.textSize.value = i as 0 | 1 | 2)}
            style={{ fontSize: `${1 + i * 0.2}em` }}
          >
            {label}
          </button>
        ))}
      </fieldset>
      <button
        type="button"
        class={`chip ${ui.contrast.value ? 'chip-on' : ''}`}
        aria-pressed={ui.contrast.value}
        data-action="contrast"
        onClick={() => (ui.contrast.value = !ui.contrast.value)}
      >
        <Icon name="contrast" /> {t('kiosk.contrast')}
      </button>
      <button
        type="button"
        class={`chip ${ui.readAloud.value ? 'chip-on' : ''}`}
        aria-pressed={ui.readAloud.value}
        data-action="read-aloud"
        onClick={() => {
          ui.readAloud.value = !ui.readAloud.value;
          speak(t('kiosk.readAloud'));
        }}
      >
        <Icon name="speaker" /> {t('kiosk.readAloud')}
      </button>
      <button type="button" class="chip chip-lang" data-action="lang" onClick={toggleLang}>
        <Icon name="globe" /> {t('common.lang')}
      </button>
    </section>
  );
}

/** The words spoken when a screen opens with read-aloud on. */
const SCREEN_TITLES: Partial<Record<string, Parameters<typeof t>[0]>> = {
  home: 'kiosk.welcome',
  services: 'kiosk.chooseService',
  search: 'kiosk.searchTitle',
  identify: 'kiosk.identifyTitle',
  priority: 'kiosk.priorityTitle',
  follow: 'kiosk.followTitle',
  appointment: 'kiosk.appointmentTitle',
  dossier: 'kiosk.dossierTitle',
};

export function KioskApp({ onSetupSaved }: { onSetupSaved: () => void }) {
  const screen = ui.screen.value;
  const site = data.site.value;
  const taps = useRef<number[]>([]);
  const [clock, setClock] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setClock(new Date()), 15_000);
    return () => clearInterval(id);
  }, []);
  useSignalEffect(() => {
    const key = SCREEN_TITLES[ui.screen.value];
    if (key) speak(t(key));
  });
  const rootClass = useComputed(
    () =>
      `kiosk size-${ui.textSize.value} ${ui.contrast.value ? 'contrast' : ''} screen-is-${ui.screen.value}`,
  );
  // Five taps on the emblem within three seconds open the technician screen.
  const emblemTap = () => {
    const now = Date.now();
    taps.current = [...taps.current.filter((x) => now - x < 3000), now];
    if (taps.current.length >= 5) {
      taps.current = [];
      go('setup');
    }
  };
  const time = clock.toLocaleTimeString(lang.value === 'vi' ? 'vi-VN' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    ...(site ? { timeZone: site.site.timezone } : {}),
  });
  return (
    <div class={rootClass.value} data-ready={site ? 'true' : 'false'}>
      <header class="kiosk-header">
        <button type="button" class="emblem-button" aria-hidden="true" tabIndex={-1} onClick={emblemTap}>
          <Emblem />
        </button>
        <div class="kiosk-site">
          <strong>{site ? loc(site.site.name) : t('common.loading')}</strong>
          {site && <span class="muted">{site.site.address}</span>}
        </div>
        <time class="kiosk-clock">{time}</time>
      </header>
      {!ui.agentOnline.value && <p class="banner banner-warn">{t('common.offline')}</p>}
      {!ui.serverOnline.value && ui.agentOnline.value && transportRef.value?.mode === 'agent' && (
        <p class="banner banner-warn">{t('kiosk.offlineAgent')}</p>
      )}
      {data.loadError.value !== null && !site && <p class="banner banner-error">{t('common.offline')}</p>}
      <PrinterBanner />
      <main class="kiosk-main">
        {screen !== 'home' && screen !== 'issuing' && screen !== 'ticket' && (
          <nav class="kiosk-nav">
            <button
              type="button"
              class="btn btn-ghost btn-large"
              data-action="back"
              onClick={() => {
                if (screen === 'procedure') go('search');
                else if (screen === 'priority' || screen === 'identify')
                  go(session.procedureId.value ? 'procedure' : 'services');
                else resetSession();
              }}
            >
              ← {t('common.back')}
            </button>
            <button type="button" class="btn btn-ghost btn-large" data-action="home" onClick={resetSession}>
              ⌂ {t('common.home')}
            </button>
          </nav>
        )}
        {screen === 'home' && <Home />}
        {screen === 'services' && <Services />}
        {screen === 'search' && <Search />}
        {screen === 'procedure' && <Procedure />}
        {screen === 'identify' && <Identify />}
        {screen === 'priority' && <Priority />}
        {screen === 'issuing' && <Issuing />}
        {screen === 'ticket' && <TicketScreen />}
        {screen === 'follow' && <Follow />}
        {screen === 'appointment' && <AppointmentCheckIn />}
        {screen === 'dossier' && <DossierLookup />}
        {screen === 'setup' && <Setup onSaved={onSetupSaved} />}
      </main>
      <A11yBar />
      <IdleWarning />
    </div>
  );
}
