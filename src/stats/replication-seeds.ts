/**
 * The seed of replication i (0-based) of a run started with `--seed s`:
 *
 *   seed_i = fmix32((s XOR (i + 1)·0x9E3779B9) mod 2^32)
 *
 * fmix32 is MurmurHash3's 32-bit finaliser (a bijection with full avalanche), so neighbouring
 * user seeds and neighbouring replications get unrelated PRNG streams, while everything stays
 * a pure function of (s, i): the same --seed reproduces every replication exactly.
 */
export function replicationSeed(seed: number, index: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new RangeError(`replicationSeed: seed must be an integer in [0, 2^32), got ${seed}`)
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`replicationSeed: index must be a non-negative integer, got ${index}`)
  return fmix32((seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0)
}

/** MurmurHash3 fmix32 (Appleby, public domain), returned as an unsigned 32-bit integer. */
export function fmix32(value: number): number {
  let h = value >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * The seed of the bootstrap that computes confidence intervals for a run started with
 * `--seed s`: fmix32(s XOR 0xB5297A4D), a stream unrelated to every replication's.
 */
export function bootstrapSeed(seed: number): number {
  return fmix32((seed ^ 0xb5297a4d) >>> 0)
}
