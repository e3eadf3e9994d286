import type { QueueSummary } from '@oss/protocol';
import { describe, expect, it } from 'vitest';
import { type AlertInputs, alertsFrom } from './alerts.ts';
import type { Device, Kpis } from './types.ts';

type Line = QueueSummary['services'][number];
const line = (serviceId: string, fields: Partial<Line>): Line => ({
  serviceId,
  prefix: serviceId[0]!.toUpperCase(),
  waiting: 0,
  etaMinutes: 0,
  countersOpen: 1,
  lastCalled: null,
  ...fields,
});
const device = (id: string, fields: Partial<Device>): Device => ({
  id,
  kind: 'kiosk',
  counterId: null,
  online: true,
  enrolledAt: 0,
  status: null,
  statusAt: 1,
  ...fields,
});
const inputs = (fields: Partial<AlertInputs>): AlertInputs => ({
  queue: null,
  kpis: null,
  devices: [],
  printers: {},
  waitTarget: 15,
  maxWaitMinutes: 30,
  serviceName: (id) => `«${id}»`,
  ...fields,
});
const queue = (...services: Line[]): QueueSummary => ({ at: '', services, counters: [] });

describe('the dashboard alerts', () => {
  it('alerts on people waiting with no counter open, and on the server’s over-target flag', () => {
    const alerts = alertsFrom(
      inputs({
        queue: queue(
          line('land', { waiting: 3, noCounterOpen: true, etaMinutes: 99 }),
          line('civil', { waiting: 4, etaMinutes: 20, overTarget: true }),
          // The server's flag wins over the page's own comparison, both ways.
          line('tax', { waiting: 4, etaMinutes: 40, overTarget: false }),
          line('id', { waiting: 0, noCounterOpen: true }),
        ),
      }),
    );
    expect(alerts).toEqual([
      { level: 'err', key: 'dash.alertNoCounter', vars: { service: '«land»', n: 3 } },
      { level: 'err', key: 'dash.alertWait', vars: { service: '«civil»', n: 20, target: 15 } },
    ]);
  });

  it('without the flag (an older server), compares the estimate with the target', () => {
    const alerts = alertsFrom(
      inputs({
        queue: queue(line('a', { waiting: 1, etaMinutes: 16 }), line('b', { waiting: 1, etaMinutes: 15 })),
      }),
    );
    expect(alerts.map((a) => a.vars.service)).toEqual(['«a»']);
  });

  it('warns when someone still waiting has waited past the longest wait allowed', () => {
    const service = (serviceId: string, waiting: number, maxWaitMinutes: number | null) =>
      ({ serviceId, waiting, maxWaitMinutes }) as Kpis['services'][number];
    const kpis = {
      services: [service('a', 2, 31.6), service('b', 0, 50), service('c', 1, 30), service('d', 1, null)],
    } as Kpis;
    expect(alertsFrom(inputs({ kpis }))).toEqual([
      { level: 'warn', key: 'dash.alertMaxWait', vars: { service: '«a»', n: 32 } },
    ]);
  });

  it('alerts on devices offline (not those never connected) and on printer paper, the live event first', () => {
    const alerts = alertsFrom(
      inputs({
        devices: [
          device('kiosk-1', { online: false }),
          device('kiosk-2', { online: false, statusAt: null }),
          device('kiosk-3', {
            status: { online: true, printer: { ok: false, paper: 'out', coverOpen: false } },
          }),
          device('kiosk-4', {
            status: { online: true, printer: { ok: false, paper: 'out', coverOpen: false } },
          }),
          device('kiosk-5', {
            status: { online: true, printer: { ok: true, paper: 'ok', coverOpen: false } },
          }),
        ],
        printers: { 'kiosk-4': 'ok', 'kiosk-5': 'near-end' },
      }),
    );
    expect(alerts).toEqual([
      { level: 'err', key: 'dash.alertDevice', vars: { device: 'kiosk-1' } },
      { level: 'err', key: 'dash.alertPaper', vars: { device: 'kiosk-3' } },
      { level: 'warn', key: 'dash.alertPaperNear', vars: { device: 'kiosk-5' } },
    ]);
  });

  it('has nothing to say when all is well', () => {
    expect(alertsFrom(inputs({ queue: queue(line('a', { waiting: 5, etaMinutes: 10 })) }))).toEqual([]);
  });
});
