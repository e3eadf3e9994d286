/**
 * Calibrated confidence: temperature scaling of the expression head's logits (Guo et al., 2017), and
 * the expected calibration error to check it. Pure functions over logits (arrays), labels as indices.
 */

export function softmax(logits: readonly number[], temperature = 1): number[] {
  const scaled = logits.map((v) => v / temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

export function negativeLogLikelihood(
  logits: readonly (readonly number[])[],
  labels: readonly number[],
  temperature: number,
): number {
  let sum = 0;
  logits.forEach((row, i) => {
    sum -= Math.log(Math.max(softmax(row, temperature)[labels[i]!]!, 1e-12));
  });
  return sum / Math.max(logits.length, 1);
}

/** The temperature in 0.05..20 that minimises the negative log-likelihood (golden-section on log T). */
export function fitTemperature(logits: readonly (readonly number[])[], labels: readonly number[]): number {
  const nll = (logT: number) => negativeLogLikelihood(logits, labels, Math.exp(logT));
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (nll(a) < nll(b)) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

export interface ReliabilityBin {
  /** Top-class probability range [from, to). */
  from: number;
  to: number;
  count: number;
  meanConfidence: number | null;
  accuracy: number | null;
}

export interface Reliability {
  /** Σ over bins of (bin share × |accuracy − mean confidence|), top-class probability, equal-width bins. */
  expectedCalibrationError: number;
  negativeLogLikelihood: number;
  bins: ReliabilityBin[];
}

export function reliability(
  logits: readonly (readonly number[])[],
  labels: readonly number[],
  temperature = 1,
  binCount = 10,
): Reliability {
  const bins = Array.from({ length: binCount }, (_, b) => ({ hits: 0, confidence: 0, count: 0, b }));
  logits.forEach((row, i) => {
    const p = softmax(row, temperature);
    const top = p.indexOf(Math.max(...p));
    const bin = bins[Math.min(binCount - 1, Math.floor(p[top]! * binCount))]!;
    bin.count++;
    bin.confidence += p[top]!;
    if (top === labels[i]) bin.hits++;
  });
  const n = Math.max(logits.length, 1);
  return {
    expectedCalibrationError: bins.reduce(
      (acc, b) =>
        acc + (b.count === 0 ? 0 : (b.count / n) * Math.abs(b.hits / b.count - b.confidence / b.count)),
      0,
    ),
    negativeLogLikelihood: negativeLogLikelihood(logits, labels, temperature),
    bins: bins.map((b) => ({
      from: b.b / binCount,
      to: (b.b + 1) / binCount,
      count: b.count,
      meanConfidence: b.count ? b.confidence / b.count : null,
      accuracy: b.count ? b.hits / b.count : null,
    })),
  };
}
