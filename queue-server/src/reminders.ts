/**
 * SMS reminders of appointments (site config `sms`; off when absent): once per booking with a phone
 * number, `reminderMinutes` before its slot. A component with start()/stop() like the others. The
 * number is never logged; it is forgotten when the day is over (VisitStore.forgetPhonesBefore).
 */
import { localParts, vnDate } from '@oss/protocol';
import type { Site, SmsRules } from '@oss/queue-server/core';
import type { Logger } from './log.ts';
import type { SmsGateway } from './sms.ts';
import type { AppointmentRow, VisitStore } from './storage/visits.ts';

const MINUTE = 60_000;
const pad = (n: number) => String(n).padStart(2, '0');

export interface RemindersOptions {
  site: Site;
  rules: SmsRules;
  visits: VisitStore;
  gateway: SmsGateway;
  clock: () => number;
  log: Logger;
  /** How often to look for appointments due (tests use less). */
  everyMs?: number;
}

/** The reminder's text: Vietnamese first, then English; no personal data beyond the code. */
export function reminderText(site: Site, row: Pick<AppointmentRow, 'code' | 'start' | 'day'>): string {
  const p = localParts(row.start, site.timeZone);
  const time = `${pad(p.hour)}:${pad(p.minute)}`;
  const name = site.config.site.name;
  return (
    `${name.vi}: nhắc quý khách lịch hẹn lúc ${time} ngày ${vnDate(row.day)}, mã ${row.code}. ` +
    `Quý khách vui lòng đến sớm để lấy số tại kiosk. / ${name.en}: your appointment at ${time} on ` +
    `${vnDate(row.day)}, code ${row.code}.`
  );
}

export class Reminders {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: RemindersOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.options.everyMs ?? MINUTE);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Sends what is due now; a failed send is tried again at the next run (it is not marked). */
  runOnce(): Promise<void> {
    this.running ??= this.sendDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sendDue(): Promise<void> {
    const { site, rules, visits, gateway, clock, log } = this.options;
    const now = clock();
    for (const row of visits.dueForReminder(now, now + rules.reminderMinutes * MINUTE)) {
      try {
        await gateway.send(row.phone!, reminderText(site, row));
        visits.markReminded(row.id, clock());
        log.info({ appointment: row.id, gateway: gateway.name }, 'sms reminder sent');
      } catch (e) {
        log.warn({ appointment: row.id, err: String(e) }, 'sms reminder failed; retried at the next run');
      }
    }
  }
}
