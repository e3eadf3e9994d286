import type { LocalizedText } from '@oss/protocol';
import { useEffect, useState } from 'preact/hooks';
import { type Api, ApiError } from './api.ts';
import { loc, t } from './i18n.ts';
import { ErrorBanner } from './ui.tsx';

/**
 * After service: why the citizen was not satisfied (PROTOCOL.md §6), once per ticket: the site's
 * reasons, and on a phone optional text and contact (a counter device has no keyboard: reasons only).
 */
export function Feedback({
  api,
  ticketId,
  withText = true,
}: {
  api: Api;
  ticketId: string;
  withText?: boolean;
}) {
  const [reasons, setReasons] = useState<{ id: string; name: LocalizedText }[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [contact, setContact] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .get<{ reasons: { id: string; name: LocalizedText }[] }>('/api/feedback/reasons')
      .then((r) => setReasons(r.reasons), setError);
  }, []);
  if (sent) return <p class="feedback banner banner-ok">{t('feedback.thanks')}</p>;
  const toggle = (id: string) => {
    setError(null); // a hint about the reasons is stale once one is picked
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  };
  async function submit(e: Event) {
    e.preventDefault();
    if (!chosen.length) return setError(new Error(t('feedback.pickReason')));
    try {
      await api.post(`/api/tickets/${encodeURIComponent(ticketId)}/feedback`, {
        reasons: chosen,
        ...(text.trim() ? { text: text.trim() } : {}),
        ...(contact.trim() ? { contact: contact.trim() } : {}),
      });
      setSent(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setSent(true);
      else setError(err);
    }
  }
  return (
    <form class="feedback" onSubmit={submit} aria-labelledby="feedback-title">
      <h2 id="feedback-title">{t('feedback.title')}</h2>
      <p class="muted">{t('feedback.intro')}</p>
      <ErrorBanner error={error} />
      <fieldset class="feedback-reasons">
        {reasons.map((r) => (
          <label key={r.id}>
            <input type="checkbox" checked={chosen.includes(r.id)} onChange={() => toggle(r.id)} />
            {loc(r.name)}
          </label>
        ))}
      </fieldset>
      {withText && (
        <>
          <label>
            {t('feedback.text')}
            <textarea
              rows={3}
              maxLength={1000}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('feedback.contact')}
            <input maxLength={100} value={contact} onInput={(e) => setContact(e.currentTarget.value)} />
          </label>
        </>
      )}
      <button type="submit" class="btn btn-primary btn-large">
        {t('feedback.submit')}
      </button>
    </form>
  );
}
