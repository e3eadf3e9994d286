/**
 * The public booking page `/book` (PROTOCOL.md §6), phone first: find the procedure with the kiosk's
 * search, pick a day and a slot, get a short code and its QR; view or cancel with the code later.
 * No account: the code is the key, kept in this browser so the page shows it again.
 */
import '../shared/style.css';
import type { LocalizedText } from '@oss/protocol';
import type { Appointment, Slot } from '@oss/protocol/http';
import { localDate, vnDate } from '@oss/protocol/time';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { indexProcedures, searchProcedures } from '../kiosk/search.ts';
import { Api, type ProcedureInfo, type SiteInfo } from '../shared/api.ts';
import { lang, loc, type StringKey, t, timeOf } from '../shared/i18n.ts';
import { Qr } from '../shared/qr.tsx';
import { ErrorBanner, Header } from '../shared/ui.tsx';

const api = new Api();
const SAVED = 'oss-appointment';
if (/^en\b/i.test(navigator.language)) lang.value = 'en';

/** Today and the next `count` local dates in the site's time zone. */
function nextDays(count: number, timeZone: string): string[] {
  return Array.from({ length: count + 1 }, (_, i) => localDate(Date.now() + i * 86_400_000, timeZone));
}

const WEEKDAYS: Record<'vi' | 'en', string[]> = {
  vi: ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};
const dayLabel = (day: string) =>
  `${WEEKDAYS[lang.value][new Date(`${day}T12:00:00Z`).getUTCDay()]} ${vnDate(day).slice(0, 5)}`;

function App() {
  const [site, setSite] = useState<SiteInfo | null>(null);
  const [procedures, setProcedures] = useState<ProcedureInfo[]>([]);
  const [query, setQuery] = useState('');
  const [procedure, setProcedure] = useState<ProcedureInfo | null>(null);
  const [day, setDay] = useState<string | null>(null);
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [phone, setPhone] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [booked, setBooked] = useState<Appointment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.site().then(setSite, setError);
    api.procedures().then(setProcedures, setError);
    const saved = localStorage.getItem(SAVED);
    if (saved) lookup(saved).catch(() => localStorage.removeItem(SAVED));
  }, []);

  const bookable = useMemo(() => {
    const services = new Set(site?.appointments?.serviceIds ?? []);
    return procedures.filter((p) => services.has(p.serviceId));
  }, [site, procedures]);
  const index = useMemo(() => indexProcedures(bookable), [bookable]);
  const found = searchProcedures(index, query);

  async function chooseDay(d: string) {
    if (!procedure) return;
    setDay(d);
    setSlot(null);
    setSlots(null);
    const params = new URLSearchParams({ serviceId: procedure.serviceId, day: d });
    api.get<{ slots: Slot[] }>(`/api/appointments/slots?${params}`).then((r) => setSlots(r.slots), setError);
  }

  async function submit() {
    if (!procedure || !slot) return;
    const card = idNumber.replace(/\s/g, '');
    if (card && !/^\d{12}$/.test(card)) return setError(new Error(t('book.idNumberInvalid')));
    setBusy(true);
    setError(null);
    try {
      const body = {
        serviceId: procedure.serviceId,
        procedureId: procedure.id,
        start: slot.start,
        ...(phone.trim() ? { phone: phone.replace(/[\s.]/g, '') } : {}),
        ...(card ? { idNumber: card } : {}),
      };
      const r = await api.post<{ appointment: Appointment }>('/api/appointments', body);
      setIdNumber(''); // not kept in the page once sent
      localStorage.setItem(SAVED, r.appointment.code);
      setBooked(r.appointment);
    } catch (e) {
      setError(e);
      if (day) chooseDay(day);
    } finally {
      setBusy(false);
    }
  }

  async function lookup(code: string) {
    const r = await api.get<{ appointment: Appointment }>(
      `/api/appointments/by-code/${encodeURIComponent(code)}`,
    );
    setBooked(r.appointment);
  }

  async function cancel() {
    if (!booked) return;
    setBusy(true);
    try {
      const r = await api.delete<{ appointment: Appointment }>(
        `/api/appointments/${encodeURIComponent(booked.id)}?code=${encodeURIComponent(booked.code)}`,
      );
      localStorage.removeItem(SAVED);
      setBooked(r.appointment);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function restart() {
    setBooked(null);
    setProcedure(null);
    setDay(null);
    setSlots(null);
    setSlot(null);
  }

  return (
    <>
      <Header title={t('book.title')} />
      <main class="book">
        <ErrorBanner error={error} />
        {site && !site.appointments && <p class="banner banner-warn">{t('book.notBookable')}</p>}
        {booked ? (
          <Booked
            appointment={booked}
            procedures={procedures}
            busy={busy}
            onCancel={cancel}
            onAgain={restart}
          />
        ) : (
          <>
            <p class="muted">{t('book.intro')}</p>
            {!procedure ? (
              <section aria-labelledby="book-procedure">
                <h2 id="book-procedure">{t('book.procedure')}</h2>
                <input
                  class="book-search"
                  type="search"
                  value={query}
                  placeholder={t('book.search')}
                  aria-label={t('book.search')}
                  onInput={(e) => setQuery(e.currentTarget.value)}
                />
                {found.length === 0 && query && <p class="muted">{t('book.noProcedure')}</p>}
                <ul class="book-list">
                  {found.slice(0, 30).map((p) => (
                    <li key={p.id}>
                      <button
                        type="button"
                        class="btn btn-secondary book-choice"
                        onClick={() => setProcedure(p)}
                      >
                        {loc(p.name)}
                        <small>{loc(p.field)}</small>
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            ) : (
              <>
                <p class="book-chosen">
                  <strong>{loc(procedure.name)}</strong>{' '}
                  <button type="button" class="btn btn-ghost" onClick={restart}>
                    {t('common.back')}
                  </button>
                </p>
                <section aria-labelledby="book-day">
                  <h2 id="book-day">{t('book.day')}</h2>
                  <div class="book-days">
                    {nextDays(
                      site?.appointments?.daysAhead ?? 14,
                      site?.site.timezone ?? 'Asia/Ho_Chi_Minh',
                    ).map((d) => (
                      <button
                        type="button"
                        key={d}
                        class={`btn ${d === day ? 'btn-primary' : 'btn-secondary'}`}
                        aria-pressed={d === day}
                        onClick={() => chooseDay(d)}
                      >
                        {dayLabel(d)}
                      </button>
                    ))}
                  </div>
                </section>
                {day && (
                  <section aria-labelledby="book-slot">
                    <h2 id="book-slot">{t('book.slot')}</h2>
                    {slots === null && <p class="muted">{t('common.loading')}</p>}
                    {slots?.length === 0 && <p class="muted">{t('book.noSlots')}</p>}
                    <div class="book-slots">
                      {slots?.map((s) => (
                        <button
                          type="button"
                          key={s.start}
                          class={`btn ${s.start === slot?.start ? 'btn-primary' : 'btn-secondary'}`}
                          disabled={s.free === 0}
                          aria-pressed={s.start === slot?.start}
                          onClick={() => setSlot(s)}
                        >
                          {timeOf(s.start)}
                          <small>{s.free ? t('book.free', { n: s.free }) : t('book.full')}</small>
                        </button>
                      ))}
                    </div>
                  </section>
                )}
                {slot && (
                  <section class="book-confirm">
                    <label>
                      {t('book.phone')}
                      <input
                        type="tel"
                        inputMode="tel"
                        autoComplete="tel"
                        value={phone}
                        onInput={(e) => setPhone(e.currentTarget.value)}
                      />
                    </label>
                    <p class="muted small">{t('book.phoneHint')}</p>
                    <label>
                      {t('book.idNumber')}
                      <input
                        inputMode="numeric"
                        autoComplete="off"
                        maxLength={14}
                        value={idNumber}
                        onInput={(e) => setIdNumber(e.currentTarget.value)}
                      />
                    </label>
                    <p class="muted small">{t('book.idNumberHint')}</p>
                    <button type="button" class="btn btn-primary btn-large" disabled={busy} onClick={submit}>
                      {t('book.submit')}
                    </button>
                  </section>
                )}
              </>
            )}
            <CodeLookup onFound={lookup} onError={setError} />
          </>
        )}
      </main>
    </>
  );
}

function Booked(props: {
  appointment: Appointment;
  procedures: ProcedureInfo[];
  busy: boolean;
  onCancel: () => void;
  onAgain: () => void;
}) {
  const a = props.appointment;
  const procedure = props.procedures.find((p) => p.id === a.procedureId);
  const day = a.start.slice(0, 10);
  return (
    <section class="book-done" aria-live="polite">
      <h2>{a.status === 'cancelled' ? t('book.cancelled') : t('book.done')}</h2>
      {procedure && <p>{loc(procedure.name as LocalizedText)}</p>}
      <p class="book-when">{t('book.when', { time: timeOf(a.start), day: vnDate(day) })}</p>
      <p class="muted">{t(`book.status.${a.status}` as StringKey)}</p>
      {a.status === 'booked' && (
        <>
          <p class="muted">{t('book.code')}</p>
          <p class="book-code" data-code={a.code}>
            {a.code}
          </p>
          <Qr text={a.code} label={t('book.code')} size={200} />
          <p class="muted small">{t('book.codeHint')}</p>
          {a.byCard && (
            <p class="muted small" data-by-card>
              {t('book.byCard')}
            </p>
          )}
          <button type="button" class="btn btn-secondary" disabled={props.busy} onClick={props.onCancel}>
            {t('book.cancel')}
          </button>
        </>
      )}
      <button type="button" class="btn btn-ghost" onClick={props.onAgain}>
        {t('book.again')}
      </button>
    </section>
  );
}

function CodeLookup({
  onFound,
  onError,
}: {
  onFound: (code: string) => Promise<void>;
  onError: (e: unknown) => void;
}) {
  const [code, setCode] = useState('');
  return (
    <form
      class="book-lookup"
      onSubmit={(e) => {
        e.preventDefault();
        onFound(code.trim().toUpperCase()).catch(onError);
      }}
    >
      <label>
        {t('book.haveCode')}
        <input
          value={code}
          maxLength={8}
          autoCapitalize="characters"
          onInput={(e) => setCode(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="btn btn-secondary">
        {t('book.lookup')}
      </button>
    </form>
  );
}

render(<App />, document.getElementById('app')!);
