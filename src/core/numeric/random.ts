// The one seeded generator behind every sampling decision (splits, folds, context strategies, students, synthetic
// pools, the forge corpus), so any run is reproducible from the integer seed its share link carries.

/** mulberry32: small, fast, the same sequence in every JS engine; good for sampling, not for cryptography. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
