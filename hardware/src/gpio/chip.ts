import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gpioError } from './errors.ts';

/** The SoC GPIO controller that drives the 40-pin header: Pi 5 (RP1), Pi 4, Pi 3 / Zero. */
export const HEADER_CHIP_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'] as const;

export interface GpioChip {
  label: string;
  /** First sysfs GPIO number of the chip: 512 on a Pi 4, 571 on a Pi 5 with kernel ≥ 6.6, 0 before. */
  base: number;
  ngpio: number;
}

/**
 * Finds the header's GPIO chip by its label under `sysfsRoot` (a parameter so tests use a fake
 * tree). Chip numbers moved between kernels, so nothing here is hard-coded.
 */
export async function findHeaderChip(
  sysfsRoot = '/sys/class/gpio',
  labels: readonly string[] = HEADER_CHIP_LABELS,
): Promise<GpioChip> {
  let entries: string[];
  try {
    entries = (await readdir(sysfsRoot)).filter((name) => name.startsWith('gpiochip'));
  } catch (err) {
    throw gpioError('chip_not_found', `Không đọc được ${sysfsRoot}`, `Cannot read ${sysfsRoot}`, err);
  }
  for (const entry of entries.sort()) {
    const read = (file: string) => readFile(join(sysfsRoot, entry, file), 'utf8').then((s) => s.trim());
    const label = await read('label').catch(() => '');
    if (!labels.includes(label)) continue;
    const base = Number(await read('base'));
    const ngpio = Number(await read('ngpio'));
    if (Number.isInteger(base) && base >= 0 && Number.isInteger(ngpio) && ngpio > 0)
      return { label, base, ngpio };
  }
  throw gpioError(
    'chip_not_found',
    `Không tìm thấy bộ GPIO (${labels.join(', ')}) trong ${sysfsRoot}`,
    `No GPIO chip labelled ${labels.join(', ')} in ${sysfsRoot}`,
  );
}

/** The sysfs number of a BCM GPIO (the numbers printed on Pi pinout diagrams). */
export function sysfsNumber(chip: GpioChip, bcm: number): number {
  if (!Number.isInteger(bcm) || bcm < 0 || bcm >= chip.ngpio)
    throw gpioError(
      'bad_pin',
      `Chân GPIO ${bcm} không có trên ${chip.label} (0–${chip.ngpio - 1})`,
      `GPIO ${bcm} does not exist on ${chip.label} (0–${chip.ngpio - 1})`,
    );
  return chip.base + bcm;
}
