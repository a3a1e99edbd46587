import {xoroshiro128plusFromState} from 'pure-rand/generator/xoroshiro128plus'
import {uniformFloat64} from 'pure-rand/distribution/uniformFloat64'
import type {JumpableRandomGenerator} from 'pure-rand/types/JumpableRandomGenerator'

/**
 * A seeded pseudo-random source: the only randomness the core may use. Streams made with
 * `fork(streamId)` are independent of each other and of the parent, so adding a draw in one
 * part of the simulation (say, readers) does not shift the numbers another part (say, wake-up
 * latencies) sees: results stay comparable across scenario variations with the same seed.
 *
 * @example
 *   const rng = createPrng(42)
 *   const u = rng.nextFloat()          // in [0, 1)
 *   const wake = rng.fork(3)            // independent stream 3
 */
export interface Prng {
  /** Uniform in [0, 1), 53 bits. */
  nextFloat(): number
  /** An independent stream derived from this one's seed (not its position) and `streamId`. */
  fork(streamId: number): Prng
}

const GOLDEN = 0x9e3779b9

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

class XoroshiroPrng implements Prng {
  private readonly gen: JumpableRandomGenerator
  private readonly key: readonly [number, number, number, number]

  // `key` names the stream; the generator state is a hash of it, so forks never share a state
  // with their parent (xoroshiro128+ has period 2^128 - 1; overlap of hashed states is negligible).
  constructor(key: readonly [number, number, number, number]) {
    this.key = key
    const state = key.map((k, i) => mix32(k + Math.imul(i + 1, GOLDEN)) | 0)
    if (!state.some((s) => s !== 0)) state[0] = 1 // the all-zero state is a fixed point
    this.gen = xoroshiro128plusFromState(state)
  }

  nextFloat(): number {
    return uniformFloat64(this.gen)
  }

  fork(streamId: number): Prng {
    if (!Number.isInteger(streamId) || streamId < 0) throw new RangeError(`Prng.fork: streamId must be a non-negative integer, got ${streamId}`)
    const s = mix32(streamId ^ 0x632be5ab) ^ mix32(Math.floor(streamId / 2 ** 32))
    const [a, b, c, d] = this.key
    return new XoroshiroPrng([mix32(a ^ s), mix32(b + s), mix32(c ^ mix32(s + GOLDEN)), mix32(d + mix32(s ^ 0x5bd1e995))])
  }
}

/** A generator seeded by any safe integer; the same seed always gives the same sequence. */
export function createPrng(seed: number): Prng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`createPrng: seed must be a safe integer, got ${seed}`)
  const lo = seed >>> 0
  const hi = Math.floor(seed / 2 ** 32) >>> 0
  return new XoroshiroPrng([mix32(lo), mix32(hi ^ 0x27d4eb2f), mix32(lo ^ hi ^ 0x165667b1), mix32(lo + 0xd3a2646c)])
}
