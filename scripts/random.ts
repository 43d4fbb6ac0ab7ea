import { mulberry32 } from '../core/models/random.ts';

/** The seeded generator lives in the core (the intervals draw with it). */
export { mulberry32 };

/** Uniform on [0, 1). */
export function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** Uniform on the open interval (0, 1), for samplers that take logarithms. */
export function uniformOpen(seed: number): () => number {
  const next = mulberry32(seed);
  return () => (next() + 0.5) / 4294967296;
}
