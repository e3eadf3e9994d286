/**
 * Queueing formulas the simulator is checked against (shared/reference/queueing.md):
 * Erlang C for a pooled FIFO M/M/c queue, Cobham for non-preemptive priority classes.
 * Rates are per minute, times in minutes.
 */

/** Erlang B by the stable recursion B_k = a·B_{k−1} / (k + a·B_{k−1}). */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Probability that an arrival waits in M/M/c with offered load a = λ/μ (requires a < c). */
export function erlangC(c: number, a: number): number {
  if (a >= c) return 1;
  const b = erlangB(c, a);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

export interface MmcQueue {
  /** Arrivals per minute. */
  lambda: number;
  /** Mean service time of one counter, minutes. */
  meanService: number;
  counters: number;
}

const offered = (q: MmcQueue) => q.lambda * q.meanService;

/** Mean wait before service, FIFO: W_q = C / (cμ − λ). */
export function mmcMeanWait(q: MmcQueue): number {
  const a = offered(q);
  if (a >= q.counters) return Number.POSITIVE_INFINITY;
  return erlangC(q.counters, a) / (q.counters / q.meanService - q.lambda);
}

/** Share of arrivals that start service within t minutes: 1 − C·e^{−(cμ−λ)t}. */
export function mmcWithin(q: MmcQueue, t: number): number {
  const a = offered(q);
  if (a >= q.counters) return 0;
  return 1 - erlangC(q.counters, a) * Math.exp(-(q.counters / q.meanService - q.lambda) * t);
}

/**
 * Cobham: mean wait of each class under non-preemptive strict priority with equal service rates.
 * `shares` are the classes' shares of arrivals, highest priority first.
 */
export function cobhamMeanWaits(q: MmcQueue, shares: number[]): number[] {
  const a = offered(q);
  const capacity = q.counters / q.meanService;
  const c = erlangC(q.counters, a);
  let sigmaBefore = 0;
  return shares.map((share) => {
    const sigma = sigmaBefore + (share * q.lambda) / capacity;
    const w = sigma >= 1 ? Number.POSITIVE_INFINITY : c / (capacity * (1 - sigmaBefore) * (1 - sigma));
    sigmaBefore = sigma;
    return w;
  });
}

/** Kingman/Allen–Cunneen correction for general service: W_q(G) ≈ W_q(M) · (c_a² + c_s²)/2. */
export function allenCunneenMeanWait(q: MmcQueue, arrivalCv: number, serviceCv: number): number {
  return (mmcMeanWait(q) * (arrivalCv ** 2 + serviceCv ** 2)) / 2;
}

/** The arrival rate that gives utilisation ρ with c counters of the given mean service time. */
export function lambdaFor(rho: number, counters: number, meanService: number): number {
  return (rho * counters) / meanService;
}

/** Stationary distribution of the number in an M/M/c system, truncated where the tail is negligible. */
export function mmcStationary(q: MmcQueue): number[] {
  const a = offered(q);
  const rho = a / q.counters;
  if (rho >= 1) throw new Error('the queue has no stationary distribution (ρ ≥ 1)');
  const weights = [1];
  for (let n = 1; ; n++) {
    const w = weights[n - 1]! * (n <= q.counters ? a / n : rho);
    weights.push(w);
    if (n > q.counters && w < 1e-12) break;
  }
  const total = weights.reduce((x, y) => x + y, 0);
  return weights.map((w) => w / total);
}
