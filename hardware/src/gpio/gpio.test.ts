import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findHeaderChip, sysfsNumber } from './chip.ts';
import { Debouncer } from './debounce.ts';
import { GpioError } from './errors.ts';
import { createCounterPanel } from './index.ts';
import { type GpioClass, type GpioPin, loadOnoff, OnoffPanel } from './onoff.ts';
import { BUTTONS, type ButtonName, ratingScore } from './panel.ts';
import type { SimulatedPanel } from './simulator.ts';

/** A fake /sys/class/gpio with the chips a real board shows (kernel ≥ 6.6). */
function fakeSysfs(chips: [dir: string, label: string, base: number, ngpio: number][]): string {
  const root = mkdtempSync(join(tmpdir(), 'sysfs-gpio-'));
  for (const [dir, label, base, ngpio] of chips) {
    mkdirSync(join(root, dir));
    writeFileSync(join(root, dir, 'label'), `${label}\n`);
    writeFileSync(join(root, dir, 'base'), `${base}\n`);
    writeFileSync(join(root, dir, 'ngpio'), `${ngpio}\n`);
  }
  writeFileSync(join(root, 'export'), '');
  return root;
}

const PI4 = (): string =>
  fakeSysfs([
    ['gpiochip512', 'pinctrl-bcm2711', 512, 58],
    ['gpiochip570', 'raspberrypi-exp-gpio', 570, 8],
  ]);
const PI5 = (): string =>
  fakeSysfs([
    ['gpiochip512', 'gpio-brcmstb@107d508500', 512, 32],
    ['gpiochip544', 'gpio-brcmstb@107d517c00', 544, 15],
    ['gpiochip559', 'gpio-brcmstb@107d508500', 559, 12],
    ['gpiochip571', 'pinctrl-rp1', 571, 54],
  ]);

describe('GPIO chip discovery', () => {
  it('finds the Pi 4 header chip by label: BCM 17 is 529', async () => {
    const chip = await findHeaderChip(PI4());
    expect(chip).toEqual({ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 });
    expect(sysfsNumber(chip, 17)).toBe(529);
  });

  it('finds the Pi 5 header chip among the others: BCM 27 is 598', async () => {
    const chip = await findHeaderChip(PI5());
    expect(chip.label).toBe('pinctrl-rp1');
    expect(sysfsNumber(chip, 27)).toBe(598);
  });

  it('works on old kernels whose base is 0', async () => {
    const chip = await findHeaderChip(fakeSysfs([['gpiochip0', 'pinctrl-bcm2835', 0, 54]]));
    expect(sysfsNumber(chip, 4)).toBe(4);
  });

  it('says clearly when there is no header chip or the pin does not exist', async () => {
    await expect(findHeaderChip(fakeSysfs([['gpiochip0', 'some-expander', 0, 8]]))).rejects.toMatchObject({
      code: 'chip_not_found',
    });
    await expect(findHeaderChip('/nonexistent/gpio')).rejects.toBeInstanceOf(GpioError);
    const chip = await findHeaderChip(PI5());
    expect(() => sysfsNumber(chip, 54)).toThrow(/GPIO 54/);
    expect(() => sysfsNumber(chip, -1)).toThrow(GpioError);
  });
});

describe('debounce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts one press for a bouncing contact, none for a glitch, and needs a release between presses', () => {
    const presses = vi.fn();
    const d = new Debouncer(30, presses);
    // Bounce on press: 5 edges within 4 ms, then stays closed.
    for (const [level, t] of [
      [true, 0],
      [false, 1],
      [true, 1],
      [false, 1],
      [true, 1],
    ] as const) {
      vi.advanceTimersByTime(t);
      d.input(level);
    }
    expect(presses).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30);
    expect(presses).toHaveBeenCalledTimes(1);
    // Bounce on release produces no second press.
    d.input(false);
    vi.advanceTimersByTime(2);
    d.input(true);
    vi.advanceTimersByTime(2);
    d.input(false);
    vi.advanceTimersByTime(30);
    expect(presses).toHaveBeenCalledTimes(1);
    // A 10 ms glitch is not a press.
    d.input(true);
    vi.advanceTimersByTime(10);
    d.input(false);
    vi.advanceTimersByTime(50);
    expect(presses).toHaveBeenCalledTimes(1);
    // A clean second press counts.
    d.input(true);
    vi.advanceTimersByTime(30);
    expect(presses).toHaveBeenCalledTimes(2);
  });
});

/** Stands in for onoff's Gpio: records what the driver exported and lets the test drive edges. */
function fakeGpio() {
  const pins = new Map<
    number,
    {
      direction: string;
      edge?: string;
      activeLow?: boolean;
      value: 0 | 1;
      watcher?: (e: null, v: 0 | 1) => void;
      unexported: boolean;
    }
  >();
  class FakeGpio implements GpioPin {
    constructor(
      private readonly n: number,
      direction: string,
      edge?: string,
      options?: { activeLow?: boolean },
    ) {
      pins.set(n, { direction, edge, activeLow: options?.activeLow, value: 0, unexported: false });
    }
    watch(cb: (e: null, v: 0 | 1) => void) {
      pins.get(this.n)!.watcher = cb;
    }
    async write(value: 0 | 1) {
      pins.get(this.n)!.value = value;
    }
    unexport() {
      pins.get(this.n)!.unexported = true;
    }
  }
  const edge = (n: number, value: 0 | 1) => pins.get(n)!.watcher!(null, value);
  return { Gpio: FakeGpio as unknown as GpioClass, pins, edge };
}

describe('onoff panel driver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('exports base + BCM pins, debounces presses and drives LEDs', async () => {
    const fake = fakeGpio();
    const panel = await OnoffPanel.open(
      { sysfsRoot: PI5(), buttons: { next: 17, rating5: 22 }, leds: { serving: 27 }, debounceMs: 20 },
      fake.Gpio,
    );
    expect([...fake.pins.keys()].sort()).toEqual([588, 593, 598]);
    expect(fake.pins.get(588)).toMatchObject({ direction: 'in', edge: 'both', activeLow: true });
    expect(fake.pins.get(598)).toMatchObject({ direction: 'low' });
    const pressed: ButtonName[] = [];
    panel.onPress((b) => pressed.push(b));
    fake.edge(588, 1);
    fake.edge(588, 0);
    fake.edge(588, 1);
    vi.advanceTimersByTime(20);
    fake.edge(593, 1);
    vi.advanceTimersByTime(5);
    fake.edge(593, 0);
    vi.advanceTimersByTime(20);
    expect(pressed).toEqual(['next']);
    await panel.setLed('serving', true);
    expect(fake.pins.get(598)!.value).toBe(1);
    await expect(panel.setLed('nope', true)).rejects.toMatchObject({ code: 'unknown_led' });
    await panel.close();
    expect([...fake.pins.values()].every((p) => p.unexported)).toBe(true);
  });

  it('refuses a pin used twice or missing on the chip, and releases what it opened', async () => {
    const fake = fakeGpio();
    await expect(
      OnoffPanel.open({ sysfsRoot: PI4(), buttons: { next: 17 }, leds: { serving: 17 } }, fake.Gpio),
    ).rejects.toMatchObject({ code: 'bad_pin' });
    await expect(
      OnoffPanel.open({ sysfsRoot: PI4(), buttons: { next: 17 }, leds: { serving: 99 } }, fake.Gpio),
    ).rejects.toMatchObject({ code: 'bad_pin' });
    expect(fake.pins.get(529)?.unexported).toBe(true);
  });

  it('an export that fails (EINVAL, EBUSY) is an io_error and releases the pins already opened', async () => {
    const fake = fakeGpio();
    class Failing extends (fake.Gpio as unknown as new (...args: unknown[]) => GpioPin) {
      constructor(n: number, ...rest: unknown[]) {
        if (n === 534) throw Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' });
        super(n, ...rest);
      }
    }
    await expect(
      OnoffPanel.open(
        { sysfsRoot: PI4(), buttons: { next: 17 }, leds: { serving: 22 } },
        Failing as unknown as GpioClass,
      ),
    ).rejects.toMatchObject({ code: 'io_error' });
    expect(fake.pins.get(529)?.unexported).toBe(true);
  });

  it('loads the real onoff (its epoll addon is built at install)', async () => {
    const Gpio = await loadOnoff();
    expect(typeof Gpio).toBe('function');
  });

  it('a missing onoff module is a typed error', async () => {
    await expect(
      loadOnoff(() => Promise.reject(new Error('Cannot find module epoll'))),
    ).rejects.toMatchObject({
      code: 'onoff_unavailable',
    });
  });
});

describe('simulated panel', () => {
  it('presses buttons and reads LEDs back', async () => {
    const panel = await createCounterPanel({ kind: 'simulator', leds: ['serving'] });
    const sim = panel as SimulatedPanel;
    const pressed: ButtonName[] = [];
    const off = panel.onPress((b) => pressed.push(b));
    for (const b of BUTTONS) sim.press(b);
    off();
    sim.press('next');
    expect(pressed).toEqual([...BUTTONS]);
    await panel.setLed('serving', true);
    expect(sim.led('serving')).toBe(true);
    await expect(panel.setLed('other', true)).rejects.toBeInstanceOf(GpioError);
    expect(pressed.map(ratingScore).filter(Boolean)).toEqual([1, 2, 3, 4, 5]);
  });
});
