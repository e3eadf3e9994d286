/**
 * Seeded randomness for the simulator (the core never draws random numbers).
 * xoshiro128** seeded through splitmix32: fast, well mixed, reproducible across platforms.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  exponential(mean: number): number;
  /** Lognormal with the given mean and coefficient of variation. */
  lognormal(mean: number, cv: number): number;
  normal(): number;
  /** An independent generator derived from this one (for separate streams). */
  fork(): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextUint = () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = () => nextUint() / 4294967296;
  let spareNormal: number | null = null;
  const normal = () => {
    if (spareNormal !== null) {
      const z = spareNormal;
      spareNormal = null;
      return z;
    }
    // Box–Muller; 1 − u keeps the logarithm finite.
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  return {
    next,
    normal,
    exponential: (mean) => -mean * Math.log(1 - next()),
    lognormal(mean, cv) {
      const sigma2 = Math.log(1 + cv * cv);
      return Math.exp(Math.log(mean) - sigma2 / 2 + Math.sqrt(sigma2) * normal());
    },
    fork: () => createRng(nextUint()),
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
