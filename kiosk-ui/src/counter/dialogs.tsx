/** The console's two dialogs: transfer (to a service or an open counter, then confirm) and break. */
import type { BREAK_REASONS } from '@oss/protocol/http';
import { useEffect, useState } from 'preact/hooks';
import type { Api, CounterInfo, ServiceInfo } from '../shared/api.ts';
import { loc, type StringKey, t } from '../shared/i18n.ts';

export type BreakReason = (typeof BREAK_REASONS)[number];
/** The same list as the server's BREAK_REASONS (a type-only import keeps TypeBox out of the bundle). */
const REASONS: BreakReason[] = ['rest', 'meeting', 'helping', 'errand', 'other'];

export const breakReasonText = (reason: string) => t(`break.${reason}` as StringKey);

export interface TransferTarget {
  toServiceId: string;
  toCounterId?: string;
  /** As the confirmation names it. */
  label: string;
}

/** The service sent with a transfer to a counter: the ticket's own when that counter serves it. */
function serviceFor(counter: CounterInfo, ticketServiceId: string): string {
  return counter.serviceIds.includes(ticketServiceId) ? ticketServiceId : counter.serviceIds[0]!;
}

export function TransferDialog({
  api,
  number,
  serviceId,
  counterId,
  services,
  onConfirm,
  onCancel,
}: {
  api: Api;
  number: string;
  serviceId: string;
  counterId: string;
  services: ServiceInfo[];
  onConfirm: (target: TransferTarget) => void;
  onCancel: () => void;
}) {
  const [counters, setCounters] = useState<CounterInfo[] | null>(null);
  const [chosen, setChosen] = useState<TransferTarget | null>(null);
  useEffect(() => {
    api.counters().then(setCounters, () => setCounters([]));
  }, [api]);
  const openCounters = (counters ?? []).filter((c) => c.open && c.id !== counterId);

  if (chosen)
    return (
      <section class="card dialog" role="dialog" aria-labelledby="transfer-confirm" data-confirm>
        <h2 id="transfer-confirm">{t('counter.transferConfirm', { number, target: chosen.label })}</h2>
        <div class="row">
          <button
            type="button"
            class="btn btn-primary"
            data-action="confirm-transfer"
            onClick={() => onConfirm(chosen)}
          >
            {t('counter.transferYes')}
          </button>
          <button type="button" class="btn btn-ghost" onClick={() => setChosen(null)}>
            {t('common.back')}
          </button>
        </div>
      </section>
    );
  return (
    <section class="card dialog" role="dialog" aria-labelledby="transfer-title">
      <h2 id="transfer-title">{t('counter.transferTo', { number })}</h2>
      <h3>{t('counter.transferToService')}</h3>
      <div class="row">
        {services
          .filter((s) => s.id !== serviceId)
          .map((s) => (
            <button
              type="button"
              class="btn btn-secondary"
              key={s.id}
              data-transfer={s.id}
              onClick={() => setChosen({ toServiceId: s.id, label: loc(s.name) })}
            >
              {s.prefix} · {loc(s.name)}
            </button>
          ))}
      </div>
      <h3>{t('counter.transferToCounter')}</h3>
      <div class="row">
        {counters && openCounters.length === 0 && <p class="muted">{t('counter.noOtherOpen')}</p>}
        {openCounters.map((c) => (
          <button
            type="button"
            class="btn btn-secondary"
            key={c.id}
            data-transfer-counter={c.id}
            onClick={() =>
              setChosen({ toServiceId: serviceFor(c, serviceId), toCounterId: c.id, label: loc(c.name) })
            }
          >
            {loc(c.name)}
          </button>
        ))}
      </div>
      <CancelButton onCancel={onCancel} />
    </section>
  );
}

export function BreakDialog({
  onPick,
  onCancel,
}: {
  onPick: (reason: BreakReason) => void;
  onCancel: () => void;
}) {
  return (
    <section class="card dialog" role="dialog" aria-labelledby="break-title">
      <h2 id="break-title">{t('counter.breakWhy')}</h2>
      <div class="row">
        {REASONS.map((r) => (
          <button type="button" class="btn btn-secondary" key={r} data-break={r} onClick={() => onPick(r)}>
            {breakReasonText(r)}
          </button>
        ))}
      </div>
      <CancelButton onCancel={onCancel} />
    </section>
  );
}

function CancelButton({ onCancel }: { onCancel: () => void }) {
  return (
    <button type="button" class="btn btn-ghost" onClick={onCancel}>
      {t('common.cancel')} <kbd>Esc</kbd>
    </button>
  );
}
