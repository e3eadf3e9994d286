/** What the manager does from the dashboard: move counters between services, pick a period, open a report, answer a complaint. */
import { t } from '../shared/i18n.ts';
import type { PeriodChoice, PeriodMode } from './period.ts';
import { api, data, loadCounters, loadInbox, ui } from './state.ts';
import type { Advice, FeedbackStatus } from './types.ts';

export const adviceKey = (a: Advice) => `${a.counterId}>${a.toServiceId}`;

const putServices = (counterId: string, serviceIds: string[]) =>
  api.put(`/api/counters/${encodeURIComponent(counterId)}/services`, { serviceIds });

/** Moves the counter as advised: the server's `serviceIdsAfter`, or the advised service first, the others kept. */
export async function applyAdvice(a: Advice): Promise<void> {
  const counter = data.counters.value.find((x) => x.id === a.counterId);
  if (!counter) return;
  try {
    await putServices(
      a.counterId,
      a.serviceIdsAfter?.length
        ? a.serviceIdsAfter
        : [a.toServiceId, ...counter.serviceIds.filter((s) => s !== a.toServiceId)],
    );
    ui.applied.value = new Set([...ui.applied.value, adviceKey(a)]);
    await loadCounters();
  } catch (e) {
    ui.error.value = e;
  }
}

/** Ticks or unticks a service of a counter being edited. */
export function editService(counterId: string, chosen: string[], serviceId: string, on: boolean): void {
  ui.edits.value = {
    ...ui.edits.value,
    [counterId]: on ? [...chosen, serviceId] : chosen.filter((x) => x !== serviceId),
  };
}

export async function saveServices(counterId: string): Promise<void> {
  const ids = ui.edits.value[counterId];
  if (!ids || ids.length === 0) {
    ui.error.value = new Error(t('dash.pickOne'));
    return;
  }
  try {
    await putServices(counterId, ids);
    const { [counterId]: _saved, ...rest } = ui.edits.value;
    ui.edits.value = rest;
    await loadCounters();
  } catch (e) {
    ui.error.value = e;
  }
}

export function pickPeriod(choice: PeriodChoice): void {
  ui.choice.value = choice;
}

export function pickMode(mode: PeriodMode): void {
  if (ui.choice.value) ui.choice.value = { ...ui.choice.value, mode };
}

/** Opens (or, with null, closes) a period report; the address names it, so it can be linked. */
export function openReport(query: string | null): void {
  location.hash = query ? `report=${encodeURIComponent(query)}` : '';
}

/** A complaint moved on (new → in progress → answered), with the answer's note; the inbox is reloaded. */
export async function updateFeedback(id: string, status: FeedbackStatus, note: string): Promise<void> {
  try {
    await api.patch(`/api/feedback/${encodeURIComponent(id)}`, { status, ...(note.trim() ? { note } : {}) });
    await loadInbox();
  } catch (e) {
    ui.error.value = e;
  }
}
