/**
 * mulberry32: a small, fast, seeded 32-bit generator. One copy for the intervals' parameter draws,
 * the sample generator, the simulations in the tests and the benchmarks, so all are reproducible.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
