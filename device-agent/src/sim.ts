/**
 * `--simulate`: the simulated devices, what code (the demo, tests) can do to them, and the same
 * over HTTP (`POST /sim/*` on 127.0.0.1) for trying the apps by hand.
 */
import {
  type ButtonName,
  CccdChipSimulator,
  monoToPng,
  type PrinterStatus,
  SimulatedCardReader,
  type SimulatedCitizen,
  SimulatedCounterDisplay,
  SimulatedPanel,
  SimulatedPrinterTransport,
  SimulatedScanner,
  sampleCitizen,
} from '@oss/hardware';
import { type Static, Type } from '@sinclair/typebox';
import { type CounterButton, type CounterProfile, PANEL_TO_BUTTON } from './counter.ts';
import type { Devices } from './devices.ts';
import { errorReply, type LocalRoute } from './http.ts';
import type { KioskProfile } from './kiosk.ts';
import { SimulatedPlayer } from './speech.ts';

export interface SimulatedHardware {
  printer: SimulatedPrinterTransport | null;
  scanner: SimulatedScanner | null;
  cardReader: SimulatedCardReader | null;
  panel: SimulatedPanel | null;
  display: SimulatedCounterDisplay | null;
  player: SimulatedPlayer | null;
}

/** What `--simulate` lets code (and `POST /sim/*` on 127.0.0.1) do to the simulated devices. */
export interface SimHooks {
  scan(text: string): void;
  scanRaw(bytes: Uint8Array): void;
  /** Puts a simulated CCCD on the reader (the sample citizen by default). */
  tapCard(citizen?: SimulatedCitizen): void;
  removeCard(): void;
  press(button: ButtonName | CounterButton): Promise<void>;
  /** Changes the simulated printer's state (paper out, cover open…). */
  printer(status: Partial<PrinterStatus>): void;
  /** The last ticket the simulated printer printed, decoded back from its bytes, as a PNG. */
  lastPrintPng(): Buffer | null;
}

/** The simulators among the opened devices (all null without `--simulate` and `driver: simulator`). */
export function simulatedHardware(d: Devices): SimulatedHardware {
  const transport = d.printer?.transport;
  return {
    printer: transport instanceof SimulatedPrinterTransport ? transport : null,
    scanner: d.scanner instanceof SimulatedScanner ? d.scanner : null,
    cardReader: d.cardReader instanceof SimulatedCardReader ? d.cardReader : null,
    panel: d.panel instanceof SimulatedPanel ? d.panel : null,
    display: d.display instanceof SimulatedCounterDisplay ? d.display : null,
    player: d.player instanceof SimulatedPlayer ? d.player : null,
  };
}

/** A button by its panel name (`noShow`) or the app's (`no-show`). */
const BUTTONS = new Map<string, CounterButton>(
  Object.entries(PANEL_TO_BUTTON).flatMap(([panel, app]) => [
    [panel, app],
    [app, app],
  ]),
);

export function simHooks(
  sim: SimulatedHardware,
  kiosk: KioskProfile | null,
  counter: CounterProfile | null,
): SimHooks {
  return {
    scan: (text) => sim.scanner?.scan(text),
    scanRaw: (bytes) => sim.scanner?.pushRaw(bytes),
    tapCard: (citizen) =>
      sim.cardReader?.insert(new CccdChipSimulator({ citizen: citizen ?? sampleCitizen() })),
    removeCard: () => sim.cardReader?.remove(),
    press: async (button) => {
      const pressed = BUTTONS.get(button);
      if (counter && pressed) await counter.press(pressed, null);
    },
    printer: (status) => {
      if (sim.printer) sim.printer.status = { ...sim.printer.status, ...status };
      void kiosk?.checkPrinter();
    },
    lastPrintPng: () => {
      const job = sim.printer?.lastJob();
      return job ? monoToPng(job.image) : null;
    },
  };
}

/** The CCCD QR text of a (simulated) citizen: `id||name|ddmmyyyy|Nam|address|ddmmyyyy`. */
export function qrTextOf(c: SimulatedCitizen = sampleCitizen()): string {
  const d = (iso: string) => iso.split('-').reverse().join('');
  return [
    c.idNumber,
    '',
    c.fullName,
    d(c.birthDate),
    c.gender === 'female' ? 'Nữ' : 'Nam',
    c.placeOfResidence,
    d(c.issueDate),
  ].join('|');
}

/** The hooks over HTTP, for trying the apps by hand (curl -XPOST …/sim/card). */
export function simRoutes(hooks: SimHooks): LocalRoute[] {
  const ok = (extra: Record<string, unknown> = {}) => ({ body: { ok: true, ...extra } });
  return [
    {
      method: 'POST',
      path: '/sim/scan',
      body: SimScanBody,
      handler: ({ body }) => {
        hooks.scan((body as Static<typeof SimScanBody>).text);
        return ok();
      },
    },
    {
      method: 'POST',
      path: '/sim/card',
      handler: () => {
        hooks.tapCard();
        return ok({ qr: qrTextOf() });
      },
    },
    {
      method: 'DELETE',
      path: '/sim/card',
      handler: () => {
        hooks.removeCard();
        return ok();
      },
    },
    {
      method: 'POST',
      path: '/sim/button/:name',
      handler: async ({ params }) => {
        const name = params.name!;
        if (!BUTTONS.has(name))
          return errorReply(400, 'invalid_request', {
            vi: `Không có nút ${name}`,
            en: `Unknown button ${name}`,
          });
        await hooks.press(name as ButtonName);
        return ok();
      },
    },
    {
      method: 'GET',
      path: '/sim/printer/last.png',
      handler: () => {
        const png = hooks.lastPrintPng();
        return png
          ? { type: 'image/png', headers: { 'cache-control': 'no-store' }, body: png }
          : errorReply(404, 'not_found', { vi: 'Chưa in vé nào', en: 'Nothing printed yet' });
      },
    },
    {
      method: 'POST',
      path: '/sim/printer',
      body: SimPrinterBody,
      handler: ({ body }) => {
        hooks.printer(body as Static<typeof SimPrinterBody>);
        return ok();
      },
    },
  ];
}

const SimScanBody = Type.Object({ text: Type.String({ maxLength: 4096 }) }, { additionalProperties: false });
const SimPrinterBody = Type.Partial(
  Type.Object({
    paperOut: Type.Boolean(),
    paperNearEnd: Type.Boolean(),
    coverOpen: Type.Boolean(),
    online: Type.Boolean(),
  }),
  { additionalProperties: false },
);
