/**
 * The counter camera's emotion estimates against a real site server: a counter agent whose camera
 * is the `files` driver (face-api's sample photos) calls and finishes a ticket; the server's KPIs
 * show the estimate for that ticket and officer; no second estimate for the same ticket; an agent
 * whose model cannot load keeps serving. The models package (tfjs WASM) loads once, in this file.
 */

import type { RunningServer } from '@oss/queue-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHandle, startAgent } from '../src/agent.ts';
import { CameraEstimator, sampleFacePaths } from '../src/emotion.ts';
import {
  agentConfig,
  capturingLogger,
  enrolDevice,
  type LogLine,
  signIn,
  startSite,
  tempDir,
  waitFor,
} from './helpers.ts';

describe('counter camera → emotion.submit', () => {
  const dir = tempDir();
  let server: RunningServer;
  let counter: AgentHandle;
  let broken: AgentHandle;
  const brokenLog: LogLine[] = [];
  const counterLog: LogLine[] = [];

  const issue = (serviceId: string) =>
    server.service.execute({ type: 'issue', serviceId }, { result: () => ({}) });
  const emotions = () => server.service.core.state.emotions;

  beforeAll(async () => {
    server = await startSite(`${dir.path}/server`);
    const [c1, c2] = server.config.counters;
    const withCamera = (args: string[]) =>
      agentConfig(server, enrolDevice(server, args), {
        hardware: { camera: { driver: 'files', files: sampleFacePaths(), fps: 2, minConfidence: 0.2 } },
      });
    [counter, broken] = await Promise.all([
      startAgent(withCamera(['counter-cam-1', 'counter', '--counter', c1!.id]), {
        log: capturingLogger(counterLog),
        port: 0,
        dataDir: `${dir.path}/c1`,
      }),
      startAgent(withCamera(['counter-cam-2', 'counter', '--counter', c2!.id]), {
        simulate: true,
        log: capturingLogger(brokenLog),
        port: 0,
        dataDir: `${dir.path}/c2`,
        loadModels: async () => {
          throw Object.assign(new Error('WebAssembly is not available'), { code: 'model_load_failed' });
        },
      }),
    ]);
    await waitFor(() => counter.link.connected && broken.link.connected, 'agents online');
    for (const c of [c1!, c2!])
      server.service.execute(
        { type: 'sign-in', counterId: c.id, officerId: `officer-${c.number}` },
        { result: () => ({}) },
      );
    for (let i = 0; i < 2; i++) expect(issue(c1!.serviceIds[0]!).ok).toBe(true);
  });

  afterAll(async () => {
    await Promise.all([counter?.stop(), broken?.stop()]);
    await server?.stop();
    dir.remove();
  });

  it('estimates the served citizen from the camera frames and the server records it once', async () => {
    const profile = counter.counter!;
    const camera = profile.estimator as CameraEstimator;
    expect(camera).toBeInstanceOf(CameraEstimator);
    expect(camera.cameraRunning).toBe(false); // nothing looked at before a service
    await counter.press('next');
    const ticket = profile.current!;
    expect(ticket).not.toBeNull();
    await waitFor(() => camera.observationCount >= 3, 'frames analysed while serving', 30_000);
    expect(camera.cameraRunning).toBe(true);
    await counter.press('next'); // finishes the ticket (done) and calls the next one
    expect(profile.current?.id).not.toBe(ticket.id);
    await profile.settled();
    const stored = await waitFor(
      () => emotions().find((e) => e.ticketId === ticket.id),
      'the estimate stored by the server',
    );
    expect(stored.satisfaction).toBeGreaterThanOrEqual(0);
    expect(stored.satisfaction).toBeLessThanOrEqual(1);
    expect(stored.confidence).toBeGreaterThanOrEqual(0.2);
    expect(stored.counterId).toBe(counter.config.device.counterId);
    await waitFor(() => counter.store.pendingCount() === 0, 'outbox drained');
    expect(counter.store.failedCount()).toBe(0);

    // The manager's KPIs: one estimate for the officer who served it.
    const baseUrl = `http://127.0.0.1:${server.httpPort}`;
    const cookie = await signIn(baseUrl, 'manager', 'demo-manager');
    const kpis = (await (await fetch(`${baseUrl}/api/kpis`, { headers: { cookie } })).json()) as {
      emotionEstimates: number;
      officers: { officerId: string; emotionEstimates: number; emotionSatisfaction: number | null }[];
    };
    const officer = kpis.officers.find((o) => o.officerId === stored.officerId);
    expect(stored.officerId).toMatch(/^officer-/);
    expect(officer?.emotionEstimates).toBe(1);
    expect(officer?.emotionSatisfaction).toBeGreaterThanOrEqual(0);
    expect(officer?.emotionSatisfaction).toBeLessThanOrEqual(1);

    // The same ticket ending again here (e.g. transferred back and served again) sends nothing.
    camera.onServiceStart(ticket.id);
    const endService = (profile as unknown as { endService(t: typeof ticket): Promise<void> }).endService;
    await endService.call(profile, ticket);
    await profile.settled();
    expect(counter.store.pendingCount()).toBe(0);
    expect(counter.store.failedCount()).toBe(0); // no conflict from the server: never sent
    expect(emotions().filter((e) => e.ticketId === ticket.id)).toHaveLength(1);
    expect(JSON.parse(counter.store.get('emotionSent')!)).toContain(ticket.id);

    // The camera stops a few seconds after the last service ends (the queue is empty now).
    while (profile.current) await counter.press('next');
    await waitFor(() => !camera.cameraRunning, 'camera stopped after the service', 10_000);
    await profile.settled();
    // Logs carry ids and codes only.
    expect(counterLog.some((l) => l.message === 'emotion model loaded')).toBe(true);
  }, 60_000);

  it('keeps serving without estimates when the model cannot load', async () => {
    const profile = broken.counter!;
    for (let i = 0; i < 2; i++) expect(issue(server.config.counters[1]!.serviceIds[0]!).ok).toBe(true);
    await broken.press('next');
    const ticket = profile.current!;
    expect(ticket).not.toBeNull();
    await waitFor(
      () => brokenLog.find((l) => l.fields.code === 'emotion_model_unavailable'),
      'the model failure logged with a code',
    );
    await broken.press('next');
    expect(profile.current?.id).not.toBe(ticket.id);
    await profile.settled();
    const stored = (await (await fetch(`${broken.config.serverUrl}/api/tickets/${ticket.id}`)).json()) as {
      ticket: { status: string };
    };
    expect(stored.ticket.status).toBe('done');
    expect(emotions().some((e) => e.ticketId === ticket.id)).toBe(false);
    expect(broken.store.pendingCount() + broken.store.failedCount()).toBe(0);
    expect((profile.estimator as CameraEstimator).cameraRunning).toBe(false);
    expect(brokenLog.filter((l) => l.fields.code === 'emotion_model_unavailable')).toHaveLength(1);
  });
});
