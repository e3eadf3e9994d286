/** People ahead and the expected wait of a ticket: the kiosk's ticket screen and the phone page show them alike. */
import type { Ticket } from '@oss/protocol';
import { t } from './i18n.ts';

/** The wait as the citizen reads it: a range, "no counter open", or "no estimate" for an offline ticket. */
export function waitText(ticket: Ticket): string {
  const eta = ticket.etaRange;
  if (ticket.offline) return t('kiosk.noEstimate');
  if (ticket.noCounterOpen) return t('common.noCounterOpen');
  return eta
    ? t('common.minutesRange', { low: eta.low, high: eta.high })
    : t('common.minutes', { n: ticket.etaMinutes });
}

export function TicketFacts({ ticket, labels }: { ticket: Ticket; labels: { ahead: string; wait: string } }) {
  return (
    <div class="ticket-facts">
      <div>
        <span class="fact-label">{labels.ahead}</span>
        <span class="fact-value" data-ahead={ticket.ahead}>
          {ticket.ahead}
        </span>
      </div>
      <div>
        <span class="fact-label">{labels.wait}</span>
        <span class="fact-value">{waitText(ticket)}</span>
      </div>
    </div>
  );
}
