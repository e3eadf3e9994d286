/** What the dashboard alerts on, from the live figures alone (pure: the panel turns keys into words). */
import type { QueueSummary } from '@oss/protocol';
import type { StringKey } from '../shared/i18n.ts';
import type { Device, Kpis } from './types.ts';

export interface Alert {
  level: 'err' | 'warn';
  key: StringKey;
  vars: Record<string, string | number>;
}

export interface AlertInputs {
  queue: QueueSummary | null;
  /** Today's figures (live), whatever period the page shows. */
  kpis: Kpis | null;
  devices: Device[];
  /** Printer paper from the devices' live events, newer than their status. */
  printers: Record<string, string>;
  waitTarget: number;
  maxWaitMinutes: number;
  serviceName: (id: string) => string;
}

export function alertsFrom(i: AlertInputs): Alert[] {
  return [...queueAlerts(i), ...longWaitAlerts(i), ...i.devices.flatMap((d) => deviceAlerts(d, i.printers))];
}

function queueAlerts({ queue, waitTarget, serviceName }: AlertInputs): Alert[] {
  return (queue?.services ?? []).flatMap((s): Alert[] => {
    const service = serviceName(s.serviceId);
    if (s.waiting > 0 && s.noCounterOpen)
      return [{ level: 'err', key: 'dash.alertNoCounter', vars: { service, n: s.waiting } }];
    // The server's flag: the advice fires from the same estimate (core serviceWait).
    if (s.overTarget ?? (s.waiting > 0 && s.etaMinutes > waitTarget))
      return [
        { level: 'err', key: 'dash.alertWait', vars: { service, n: s.etaMinutes, target: waitTarget } },
      ];
    return [];
  });
}

function longWaitAlerts({ kpis, maxWaitMinutes, serviceName }: AlertInputs): Alert[] {
  return (kpis?.services ?? [])
    .filter((s) => s.waiting > 0 && (s.maxWaitMinutes ?? 0) > maxWaitMinutes)
    .map((s) => ({
      level: 'warn',
      key: 'dash.alertMaxWait',
      vars: { service: serviceName(s.serviceId), n: Math.round(s.maxWaitMinutes!) },
    }));
}

function deviceAlerts(d: Device, printers: Record<string, string>): Alert[] {
  const alerts: Alert[] = [];
  // A device that never connected (a browser kiosk on HTTP) is not an offline alarm.
  if (!d.online && d.statusAt !== null)
    alerts.push({ level: 'err', key: 'dash.alertDevice', vars: { device: d.id } });
  const paper = printers[d.id] ?? (d.status?.printer as { paper?: string } | undefined)?.paper;
  if (paper === 'out') alerts.push({ level: 'err', key: 'dash.alertPaper', vars: { device: d.id } });
  else if (paper === 'near-end')
    alerts.push({ level: 'warn', key: 'dash.alertPaperNear', vars: { device: d.id } });
  return alerts;
}
