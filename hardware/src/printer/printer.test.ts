import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import jsQR from 'jsqr';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { MonoCanvas } from './canvas.ts';
import { PrinterError } from './errors.ts';
import { decodeEscPos, encodeRasterJob, statusRequest } from './escpos.ts';
import { FONT_FILES, TrueTypeFont } from './font.ts';
import { PAPER_DOTS, type PaperWidth, renderTicket, ticketLayout } from './layout.ts';
import { createPrinter, EscPosPrinter, ticketToEscPos } from './printer.ts';
import {
  countDifferentDots,
  countInk,
  getDot,
  type MonoImage,
  monoToPng,
  pngToMono,
  rgbaToMono,
} from './raster.ts';
import { sampleOfflineTicket, sampleTicket } from './sample.ts';
import { SimulatedPrinterTransport } from './simulator.ts';
import { encodeStatus, type PrinterStatus, parseStatus } from './status.ts';
import { waitRange } from './ticket.ts';
import { FilePrinterTransport, SerialPrinterTransport, TcpPrinterTransport } from './transports.ts';

const fixtures = fileURLToPath(new URL('../../test-fixtures/', import.meta.url));

function expectPrinterError(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PrinterError);
    expect((err as PrinterError).code).toBe(code);
    return;
  }
  throw new Error(`expected PrinterError ${code}`);
}

/** Compares with a golden PNG; `UPDATE_GOLDEN=1` rewrites it. Tolerance covers float rounding on other CPUs. */
function expectMatchesGolden(image: MonoImage, name: string) {
  const path = join(fixtures, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(fixtures, { recursive: true });
    writeFileSync(path, monoToPng(image));
  }
  if (!existsSync(path)) throw new Error(`missing golden ${name}: run with UPDATE_GOLDEN=1`);
  const golden = pngToMono(readFileSync(path));
  expect([image.width, image.height]).toEqual([golden.width, golden.height]);
  expect(countDifferentDots(image, golden)).toBeLessThanOrEqual(image.width * image.height * 0.002);
}

describe('ticket rendering and ESC/POS bytes', () => {
  const cases: [string, PaperWidth, ReturnType<typeof sampleTicket>][] = [
    ['ticket-80mm.png', '80mm', sampleTicket()],
    ['ticket-58mm.png', '58mm', sampleTicket()],
    ['ticket-80mm-offline.png', '80mm', sampleOfflineTicket()],
  ];
  for (const [golden, paper, ticket] of cases) {
    it(`prints ${golden} as the golden image, decoded back from the bytes`, () => {
      const job = decodeEscPos(ticketToEscPos(ticket, paper));
      expect(job.image.width).toBe(PAPER_DOTS[paper]);
      expect(job.inits).toBe(1);
      expect(job.cuts).toEqual(['partial']);
      expectMatchesGolden(job.image, golden);
    });
  }

  it('splits tall images into GS v 0 bands without losing a row', () => {
    const image = renderTicket(sampleTicket(), '58mm');
    const job = decodeEscPos(encodeRasterJob(image, { bandHeight: 100, feedLines: 5, cut: 'full' }));
    expect(job.bands).toBe(Math.ceil(image.height / 100));
    expect(job.fedLines).toBe(5);
    expect(job.cuts).toEqual(['full']);
    expect(countDifferentDots(job.image, image)).toBe(0);
  });

  it('starts with ESC @ and ends with the cut', () => {
    const bytes = ticketToEscPos(sampleTicket(), '80mm');
    expect([...bytes.subarray(0, 2)]).toEqual([0x1b, 0x40]);
    expect([...bytes.subarray(-3)]).toEqual([0x1d, 0x56, 1]);
  });

  it('marks offline tickets and leaves out the wait estimate', () => {
    const online = renderTicket(sampleTicket({ procedure: undefined }), '80mm');
    const offline = renderTicket(sampleOfflineTicket(), '80mm');
    // The black offline band is a run of full-width black rows that the online ticket lacks.
    const fullRows = (img: MonoImage) =>
      Array.from({ length: img.height }, (_, y) => y).filter(
        (y) => getDot(img, 20, y) && getDot(img, img.width - 20, y),
      ).length;
    expect(fullRows(offline)).toBeGreaterThan(30);
    expect(fullRows(online)).toBeLessThan(10);
    const printed = ticketLayout(sampleOfflineTicket(), '80mm').lines.join('\n');
    expect(printed).not.toContain('phút');
    expect(printed).toContain('NGOẠI TUYẾN');
  });

  it('prints a QR code that a QR reader decodes to the public URL', () => {
    for (const paper of ['58mm', '80mm'] as const) {
      const url = `https://motcua.example.vn/t/${paper}-8f3kq2xv9w7m`;
      const ticket = sampleTicket({ publicUrl: url });
      const { image } = decodeEscPos(ticketToEscPos(ticket, paper));
      // Only the band around the QR code: jsQR on the whole ticket is slow.
      const { qr } = ticketLayout(ticket, paper);
      const top = qr.top - 40;
      const height = qr.modules.size * qr.moduleDots + 80;
      const rgba = new Uint8ClampedArray(image.width * height * 4);
      for (let y = 0; y < height; y++)
        for (let x = 0; x < image.width; x++) {
          const i = (y * image.width + x) * 4;
          rgba.fill(getDot(image, x, top + y) ? 0 : 255, i, i + 3);
          rgba[i + 3] = 255;
        }
      expect(jsQR(rgba, image.width, height)?.data).toBe(url);
    }
  });

  it('draws every QR module exactly where the matrix says', () => {
    const ticket = sampleTicket({ publicUrl: 'https://motcua.example.vn/t/zz9' });
    const { qr } = ticketLayout(ticket, '80mm');
    const image = renderTicket(ticket, '80mm');
    const half = Math.floor(qr.moduleDots / 2);
    for (let row = 0; row < qr.modules.size; row++)
      for (let col = 0; col < qr.modules.size; col++) {
        const dot = getDot(image, qr.left + col * qr.moduleDots + half, qr.top + row * qr.moduleDots + half);
        expect(dot, `module ${row},${col}`).toBe(Boolean(qr.modules.get(row, col)));
      }
  });

  it('turns a server ETA into a printable range in 5-minute steps around it', () => {
    expect(waitRange(15)).toEqual({ minMinutes: 10, maxMinutes: 20 });
    expect(waitRange(0)).toEqual({ minMinutes: 0, maxMinutes: 5 });
    for (let eta = 0; eta <= 240; eta++) {
      const { minMinutes, maxMinutes } = waitRange(eta);
      expect((minMinutes % 5) + (maxMinutes % 5)).toBe(0);
      expect(minMinutes).toBeLessThanOrEqual(eta);
      expect(maxMinutes).toBeGreaterThanOrEqual(eta);
      expect(maxMinutes).toBeGreaterThan(minMinutes);
    }
  });

  it('rejects bad tickets with a typed error naming the field', () => {
    expectPrinterError(() => ticketToEscPos(sampleTicket({ number: '' }), '80mm'), 'invalid_ticket');
    expectPrinterError(
      () => ticketToEscPos(sampleTicket({ publicUrl: 'javascript:alert(1)' }), '80mm'),
      'invalid_ticket',
    );
    expectPrinterError(
      () => ticketToEscPos(sampleTicket({ issuedAt: 'yesterday' }), '80mm'),
      'invalid_ticket',
    );
    expectPrinterError(
      () => ticketToEscPos(sampleTicket({ wait: { minMinutes: 20, maxMinutes: 10 } }), '80mm'),
      'invalid_ticket',
    );
    expectPrinterError(
      () => ticketToEscPos({ ...sampleOfflineTicket(), wait: { minMinutes: 1, maxMinutes: 2 } }, '80mm'),
      'invalid_ticket',
    );
    expect(() => ticketToEscPos(sampleTicket({ number: 'A1<2' }), '80mm')).toThrow(/number/);
  });

  it('keeps long numbers and unbreakable words inside the paper', () => {
    const ticket = sampleTicket({
      number: 'WW-88888',
      serviceName: { vi: 'X'.repeat(80), en: 'Civil status' },
    });
    for (const paper of ['58mm', '80mm'] as const) {
      const image = renderTicket(ticket, paper);
      const margin = { x: 0, y: 0, width: 4, height: image.height };
      expect(countInk(image, margin)).toBe(0);
      expect(countInk(image, { ...margin, x: image.width - 4 })).toBe(0);
      expect(countInk(image)).toBeGreaterThan(countInk(renderTicket(sampleTicket(), paper)));
    }
  });

  it('refuses text the font cannot print, naming the character', () => {
    const ticket = sampleTicket({ serviceName: { vi: 'Hộ tịch ☎', en: 'Civil status' } });
    expect(() => ticketToEscPos(ticket, '80mm')).toThrow(/U\+260E/);
    expectPrinterError(() => ticketToEscPos(ticket, '80mm'), 'invalid_ticket');
    // A control byte has no glyph: it is refused the same way.
    const control = sampleTicket({ siteName: { vi: 'Bộ phận\u0001Một cửa', en: 'x' } });
    expectPrinterError(() => ticketToEscPos(control, '80mm'), 'invalid_ticket');
  });

  it('prints markup characters in text fields as they are', () => {
    const { lines } = ticketLayout(sampleTicket({ serviceName: { vi: 'A & <b>', en: '"x"' } }), '80mm');
    expect(lines).toContain('A & <b>');
    expect(lines).toContain('"x"');
  });

  it('rejects bytes it did not emit, naming the offset', () => {
    expectPrinterError(() => decodeEscPos(Uint8Array.of(0x1b, 0x40, 0x41)), 'bad_escpos');
    expectPrinterError(() => decodeEscPos(Uint8Array.of(0x1d, 0x76, 0x30, 0, 2, 0, 5, 0, 1)), 'bad_escpos');
    expectPrinterError(
      () => decodeEscPos(Uint8Array.of(0x1d, 0x76, 0x30, 3, 1, 0, 1, 0, 0xff)),
      'bad_escpos',
    );
    expect(() => decodeEscPos(Uint8Array.of(0x1b, 0x40, 0x41))).toThrow(/byte 2/);
  });
});

describe('Vietnamese text', () => {
  const font = TrueTypeFont.fromFile(FONT_FILES.regular);
  const draw = (text: string, width: number, size: number, baseline = 60) => {
    const canvas = new MonoCanvas(width, 80);
    canvas.text(font, text, 10, baseline, size);
    return canvas.image();
  };
  const glyph = (text: string) => draw(text, 80, 48);
  /** The same text drawn by resvg (a full SVG renderer, dev dependency only), thresholded at 50 %. */
  const reference = (text: string, width: number, size: number) => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="80"><text x="10" y="60" font-size="${size}">${text}</text></svg>`;
    const font = {
      loadSystemFonts: false,
      fontFiles: [FONT_FILES.regular],
      defaultFontFamily: 'Be Vietnam Pro',
    };
    const rendered = new Resvg(svg, { font, background: '#ffffff' }).render();
    return rgbaToMono(rendered.pixels, rendered.width, rendered.height);
  };

  it('the shipped font has every precomposed Vietnamese letter U+1EA0–U+1EF9 and Đ Ơ Ư Ă', () => {
    const missing: string[] = [];
    for (let c = 0x1ea0; c <= 0x1ef9; c++) if (!font.hasGlyph(c)) missing.push(c.toString(16));
    for (const ch of 'ĐđƠơƯưĂăÂâÊêÔô') if (!font.hasGlyph(ch.codePointAt(0)!)) missing.push(ch);
    expect(missing).toEqual([]);
    expect(font.hasGlyph(0xe000)).toBe(false);
  });

  it('renders each letter with its marks, unlike its base letter and the missing-glyph box', () => {
    const notdef = glyph('\ue000');
    for (let c = 0x1ea0; c <= 0x1ef9; c++) {
      const letter = String.fromCodePoint(c);
      const base = letter.normalize('NFD')[0]!;
      const image = glyph(letter);
      expect(countInk(image), letter).toBeGreaterThan(0);
      expect(countDifferentDots(image, glyph(base)), letter).toBeGreaterThan(10);
      expect(countDifferentDots(image, notdef), letter).toBeGreaterThan(10);
    }
  });

  it('draws the marks of "Đăng ký khai sinh" above the letters', () => {
    const render = (text: string) => draw(text, 480, 40);
    // Rows above the x-height (top at y ≈ 39): only marks reach them when there are no ascenders.
    const aboveXHeight = { x: 0, y: 0, width: 480, height: 37 };
    expect(countInk(render('ăng ý'), aboveXHeight)).toBeGreaterThan(30);
    expect(countInk(render('ang y'), aboveXHeight)).toBe(0);
    expect(countDifferentDots(render('Đăng ký khai sinh'), render('Dang ky khai sinh'))).toBeGreaterThan(150);
  });

  it('renders decomposed (NFD) input the same as precomposed', () => {
    const nfc = ticketLayout(sampleTicket({ serviceName: { vi: 'Hộ tịch', en: 'x' } }), '80mm');
    const nfd = ticketLayout(
      sampleTicket({ serviceName: { vi: 'Hộ tịch'.normalize('NFD'), en: 'x' } }),
      '80mm',
    );
    expect(nfd.lines).toEqual(nfc.lines);
    expect(countDifferentDots(nfd.image, nfc.image)).toBe(0);
  });

  it('draws every letter as resvg draws it from the same font (outlines, composites, holes)', () => {
    const letters = [...'AaĐđƠơƯưĂăÂâÊêÔôOo08@%#g'];
    for (let c = 0x1ea0; c <= 0x1ef9; c++) letters.push(String.fromCodePoint(c));
    for (const letter of letters) {
      const ours = glyph(letter);
      const theirs = reference(letter, 80, 48);
      // Only dots on the outline's edge may differ (sampling 4 × 4 vs resvg's exact coverage).
      expect(countDifferentDots(ours, theirs), letter).toBeLessThanOrEqual(countInk(theirs) * 0.04 + 4);
    }
  });

  it('kerns pairs as resvg (HarfBuzz rules) does, from the GPOS table of the font', () => {
    for (const [line, size] of [
      ['AVATAR Tờ khai VÀY Đây', 40],
      ['Căn cước công dân', 22],
    ] as const) {
      const theirs = reference(line, 600, size);
      const ink = countInk(theirs);
      expect(countDifferentDots(draw(line, 600, size), theirs), line).toBeLessThanOrEqual(ink * 0.04);
      // The same glyphs at their unkerned advances land elsewhere: this comparison can fail.
      const unkerned = new MonoCanvas(600, 80);
      let pen = 10;
      for (const ch of line) pen += unkerned.text(font, ch, pen, 60, size);
      if (size === 40) expect(countDifferentDots(unkerned.image(), theirs)).toBeGreaterThan(ink * 0.5);
    }
    expect(font.measure('AV', 40)).toBeLessThan(font.measure('A', 40) + font.measure('V', 40));
    expect(font.measure('Tờ', 40)).toBeLessThan(font.measure('T', 40) + font.measure('ờ', 40));
    expect(font.measure('no', 40)).toBe(font.measure('n', 40) + font.measure('o', 40));
  });
});

describe('printer status (DLE EOT)', () => {
  it('decodes what a printer in each state answers', () => {
    for (let bits = 0; bits < 32; bits++) {
      const status: PrinterStatus = {
        online: (bits & 1) === 0,
        coverOpen: (bits & 2) !== 0,
        paperNearEnd: (bits & 4) !== 0 || (bits & 8) !== 0,
        paperOut: (bits & 8) !== 0,
        error: (bits & 16) !== 0,
      };
      const parsed = parseStatus(encodeStatus(status));
      expect(parsed.coverOpen).toBe(status.coverOpen);
      expect(parsed.paperOut).toBe(status.paperOut);
      expect(parsed.paperNearEnd).toBe(status.paperNearEnd);
      expect(parsed.error).toBe(status.error);
      expect(parsed.online).toBe(status.online && !status.coverOpen && !status.paperOut && !status.error);
    }
  });

  it('decodes real Epson answers', () => {
    expect(parseStatus([0x16, 0x12, 0x12, 0x12])).toMatchObject({ online: true, paperOut: false });
    expect(parseStatus([0x1e, 0x32, 0x12, 0x7e])).toMatchObject({ online: false, paperOut: true });
    expect(parseStatus([0x1e, 0x16, 0x12, 0x12])).toMatchObject({ coverOpen: true });
  });

  it('rejects noise instead of guessing', () => {
    expectPrinterError(() => parseStatus([0xff, 0x12, 0x12, 0x12]), 'bad_status');
    expectPrinterError(() => parseStatus([0x12, 0x12, 0x00, 0x12]), 'bad_status');
  });
});

describe('printer driver', () => {
  it('prints through the simulator and the printed image is the rendered ticket', async () => {
    const printer = createPrinter({ paper: '80mm', transport: { kind: 'simulator' } });
    const sim = printer.transport as SimulatedPrinterTransport;
    await printer.print(sampleTicket());
    expect(sim.jobs).toHaveLength(1);
    expect(countDifferentDots(sim.lastJob()!.image, renderTicket(sampleTicket(), '80mm'))).toBe(0);
  });

  it('refuses to print when out of paper or the cover is open, and prints nothing', async () => {
    const sim = new SimulatedPrinterTransport();
    const printer = new EscPosPrinter(sim, '58mm');
    sim.status.paperOut = true;
    await expect(printer.print(sampleTicket())).rejects.toMatchObject({ code: 'paper_out' });
    const invalid = printer.print(sampleTicket({ number: '' }));
    await expect(invalid).rejects.toMatchObject({ code: 'invalid_ticket' });
    sim.status.paperOut = false;
    sim.status.coverOpen = true;
    await expect(printer.print(sampleTicket())).rejects.toMatchObject({ code: 'cover_open' });
    expect(await printer.status()).toMatchObject({ coverOpen: true, online: false });
    expect(sim.jobs).toHaveLength(0);
    sim.status.coverOpen = false;
    sim.status.paperNearEnd = true;
    await printer.print(sampleTicket());
    expect(await printer.status()).toMatchObject({ paperNearEnd: true, online: true });
    expect(sim.jobs).toHaveLength(1);
  });

  it('still prints on a printer that never answers status, and status() says it timed out', async () => {
    const sim = new SimulatedPrinterTransport();
    sim.answersStatus = false;
    const printer = new EscPosPrinter(sim, '58mm', {}, 20);
    await printer.print(sampleTicket());
    expect(sim.jobs).toHaveLength(1);
    await expect(printer.status()).rejects.toMatchObject({ code: 'timeout' });
  });

  it('does not interleave a status request with a print job', async () => {
    const sim = new SimulatedPrinterTransport();
    const printer = new EscPosPrinter(sim, '58mm');
    await Promise.all([
      printer.print(sampleTicket()),
      printer.status(),
      printer.print(sampleTicket({ number: 'B001' })),
    ]);
    expect(sim.jobs).toHaveLength(2);
    for (const job of sim.jobs) expect(decodeEscPos(job).statusRequests).toEqual([]);
  });

  it('the simulator keeps only its most recent jobs (a simulated kiosk runs all day)', async () => {
    const sim = new SimulatedPrinterTransport(3);
    for (let i = 0; i < 5; i++) await sim.write(Uint8Array.of(i));
    expect(sim.printed).toBe(5);
    expect(sim.jobs.map((j) => j[0])).toEqual([2, 3, 4]);
  });
});

/** A fake serial printer: answers each DLE EOT n with its status byte. */
function fakeSerialPrinter(path: string, status: PrinterStatus) {
  SerialPortMock.binding.createPort(path, { record: true });
  const port = new SerialPortMock({ path, baudRate: 115200 });
  const received: number[] = [];
  port.on('open', () => {
    const binding = port.port!;
    const write = binding.write.bind(binding);
    binding.write = async (buffer: Buffer) => {
      await write(buffer);
      received.push(...buffer);
      if (buffer.length === 3 && buffer[0] === 0x10 && buffer[1] === 0x04)
        setImmediate(() => binding.emitData(Buffer.of(encodeStatus(status)[buffer[2]! - 1]!)));
    };
  });
  return { port, received };
}

describe('transports', () => {
  afterEach(() => SerialPortMock.binding.reset());

  it('serial: reads status and sends the whole job', async () => {
    const status: PrinterStatus = {
      online: true,
      coverOpen: false,
      paperNearEnd: true,
      paperOut: false,
      error: false,
    };
    const { port, received } = fakeSerialPrinter('/dev/ttyPRN0', status);
    const printer = new EscPosPrinter(new SerialPrinterTransport(port), '58mm', {}, 2000);
    expect(await printer.status()).toMatchObject({ paperNearEnd: true, paperOut: false });
    received.length = 0;
    await printer.print(sampleTicket());
    const job = Uint8Array.from(received.slice(4 * 3));
    expect(decodeEscPos(Uint8Array.from(received.slice(0, 12))).statusRequests).toEqual([1, 2, 3, 4]);
    expect(countDifferentDots(decodeEscPos(job).image, renderTicket(sampleTicket(), '58mm'))).toBe(0);
    status.paperOut = true;
    await expect(printer.print(sampleTicket())).rejects.toMatchObject({ code: 'paper_out' });
    await printer.close();
  });

  it('serial: a missing device makes print() reject with a transport error', async () => {
    const printer = createPrinter({
      paper: '58mm',
      transport: { kind: 'serial', path: '/dev/ttyUSB-missing' },
    });
    await expect(printer.print(sampleTicket())).rejects.toMatchObject({ code: 'transport' });
    await printer.close();
  });

  it('serial: reopens the port when a printer appears after a failed open', async () => {
    const port = new SerialPortMock({ path: '/dev/ttyPRN7', baudRate: 115200 });
    const printer = new EscPosPrinter(new SerialPrinterTransport(port), '58mm', {}, 50);
    await expect(printer.print(sampleTicket())).rejects.toMatchObject({ code: 'transport' });
    SerialPortMock.binding.createPort('/dev/ttyPRN7', { record: true });
    await printer.print(sampleTicket()); // status times out (the mock never answers), the job goes
    expect(decodeEscPos(Uint8Array.from(port.port!.recording)).bands).toBeGreaterThan(0);
    await printer.close();
  });

  it('serial: a write held back forever (flow control) fails with a timeout', async () => {
    SerialPortMock.binding.createPort('/dev/ttyPRN8', { record: true });
    const port = new SerialPortMock({ path: '/dev/ttyPRN8', baudRate: 115200 });
    await new Promise<void>((resolve) => port.on('open', () => resolve()));
    port.port!.write = () => new Promise<void>(() => {});
    const transport = new SerialPrinterTransport(port, 50);
    await expect(transport.write(new Uint8Array(1000))).rejects.toMatchObject({ code: 'timeout' });
  });

  it('serial: a garbage status answer is a typed error', async () => {
    SerialPortMock.binding.createPort('/dev/ttyPRN1', { record: true });
    const port = new SerialPortMock({ path: '/dev/ttyPRN1', baudRate: 115200 });
    port.on('open', () => {
      const binding = port.port!;
      const write = binding.write.bind(binding);
      binding.write = async (b: Buffer) => {
        await write(b);
        setImmediate(() => binding.emitData(Buffer.of(0xff)));
      };
    });
    const printer = new EscPosPrinter(new SerialPrinterTransport(port), '58mm', {}, 2000);
    await expect(printer.status()).rejects.toMatchObject({ code: 'bad_status' });
    await expect(printer.print(sampleTicket())).rejects.toMatchObject({ code: 'bad_status' });
  });

  describe('tcp', () => {
    let server: Server | undefined;
    afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

    it('prints to a raw TCP printer and reads its status', async () => {
      const chunks: Buffer[] = [];
      let ended!: () => void;
      const clientDone = new Promise<void>((resolve) => {
        ended = resolve;
      });
      const status: PrinterStatus = {
        online: true,
        coverOpen: false,
        paperNearEnd: false,
        paperOut: false,
        error: false,
      };
      server = createServer((socket: Socket) => {
        socket.on('end', () => ended());
        socket.on('data', (data) => {
          chunks.push(data);
          const all = Buffer.concat(chunks);
          const tail = all.subarray(-3);
          if (tail[0] === 0x10 && tail[1] === 0x04)
            socket.write(Buffer.of(encodeStatus(status)[tail[2]! - 1]!));
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const printer = createPrinter({
        paper: '80mm',
        transport: { kind: 'tcp', host: '127.0.0.1', port },
        statusTimeoutMs: 2000,
      });
      await printer.print(sampleTicket());
      await printer.close();
      await clientDone;
      const all = Uint8Array.from(Buffer.concat(chunks));
      const job = decodeEscPos(all);
      expect(job.statusRequests).toEqual([1, 2, 3, 4]);
      expect(countDifferentDots(job.image, renderTicket(sampleTicket(), '80mm'))).toBe(0);
    });

    it('a printer that stops reading makes the job fail with a timeout, not hang', async () => {
      const accepted: Socket[] = [];
      server = createServer((socket: Socket) => {
        socket.pause();
        accepted.push(socket);
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const t = new TcpPrinterTransport('127.0.0.1', port, 300);
      // Far more than loopback socket buffers hold, so the write cannot complete.
      await expect(t.write(new Uint8Array(64 * 1024 * 1024))).rejects.toMatchObject({ code: 'timeout' });
      await t.close();
      for (const socket of accepted) socket.destroy();
    });

    it('a refused connection is a transport error', async () => {
      const t = new TcpPrinterTransport('127.0.0.1', 1);
      await expect(t.write(statusRequest(1))).rejects.toMatchObject({ code: 'transport' });
    });
  });

  it('file: a device that stops taking data fails with a timeout, not a hang', async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'lp-')), 'lp0');
    execFileSync('mkfifo', [fifo]);
    // Nobody reads the FIFO: after its 64 KiB buffer the writes get EAGAIN, like a stalled usblp.
    const transport = new FilePrinterTransport(fifo, 100);
    await expect(transport.write(new Uint8Array(1024 * 1024))).rejects.toMatchObject({ code: 'timeout' });
  });

  it('file: writes the job to the device file; a silent device times out on status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lp-'));
    const path = join(dir, 'lp0');
    writeFileSync(path, '');
    const printer = new EscPosPrinter(new FilePrinterTransport(path), '58mm', {}, 30);
    await printer.print(sampleTicket());
    const written = new Uint8Array(readFileSync(path));
    const job = decodeEscPos(written);
    expect(countDifferentDots(job.image, renderTicket(sampleTicket(), '58mm'))).toBe(0);
    const silent = new EscPosPrinter(new FilePrinterTransport('/dev/null'), '58mm', {}, 30);
    await expect(silent.status()).rejects.toMatchObject({ code: 'timeout' });
    await expect(
      new FilePrinterTransport(join(dir, 'missing')).write(Uint8Array.of(1)),
    ).rejects.toMatchObject({
      code: 'transport',
    });
  });
});
