/**
 * What the hub benchmark reads off the machine: a process's RSS and CPU seconds from /proc, a
 * PostgreSQL cluster's CPU (its postmaster and backends), and lag quantiles. Where the two cores go
 * is the explanation of every figure, since the sites, the hub and PostgreSQL share them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantile } from '@oss/queue-server/core';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** [ppid, CPU ticks of the process and of its reaped children] from /proc/pid/stat. */
function stat(pid: number): [number, number] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return [Number(f[1]), ticks];
  } catch {
    return null; // gone meanwhile
  }
}

/** CPU seconds of a process and every live descendant (a PostgreSQL cluster under runuser). */
export function treeCpuSeconds(root: number): number | null {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (!s) continue;
    ticks.set(pid, s[1]);
    children.set(s[0], [...(children.get(s[0]) ?? []), pid]);
  }
  if (!ticks.has(root)) return null;
  let total = 0;
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    total += ticks.get(pid) ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return total / TICKS_PER_SECOND;
}

/** The postmaster's pid, from its data folder. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** CPU seconds spent between `start()` and `read()` by each named process tree. */
export function cpuMeter(roots: Record<string, number>) {
  const at = (): Record<string, number | null> =>
    Object.fromEntries(Object.entries(roots).map(([k, pid]) => [k, treeCpuSeconds(pid)]));
  const begin = at();
  const selfBegin = process.cpuUsage();
  const t0 = performance.now();
  return {
    /** Per tree (and this process, "bench"): CPU seconds and share of one core over the window. */
    read() {
      const seconds = (performance.now() - t0) / 1000;
      const now = at();
      const self = process.cpuUsage(selfBegin);
      const used: Record<string, number | null> = Object.fromEntries(
        Object.entries(now).map(([k, v]) => [k, v === null ? null : v - (begin[k] ?? 0)]),
      );
      used.bench = (self.user + self.system) / 1e6;
      // A process killed meanwhile (a worker under --kill) has no reading: null, not a negative figure.
      return Object.fromEntries(
        Object.entries(used).map(([k, v]) => [
          k,
          v === null ? null : { cpuSeconds: round(v), cores: round(v / seconds) },
        ]),
      );
    },
  };
}

export function lagSummary(lags: number[]): { p50: number | null; p99: number | null; samples: number } {
  const sorted = [...lags].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), samples: sorted.length };
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** `--name value` among a script's arguments, as a number. */
export function numberArg(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}
