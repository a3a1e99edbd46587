import {describe, expect, it} from 'vitest'
import {fmix32, replicationSeed} from '../../src/stats/replication-seeds.js'

describe('replicationSeed', () => {
  it('matches the documented formula fmix32(seed XOR (i+1)·0x9E3779B9)', () => {
    // fmix32 known values from the MurmurHash3 reference implementation.
    expect(fmix32(0)).toBe(0)
    expect(fmix32(1)).toBe(0x514e28b7)
    expect(replicationSeed(1, 0)).toBe(fmix32((1 ^ 0x9e3779b9) >>> 0))
    expect(replicationSeed(7, 2)).toBe(fmix32((7 ^ Math.imul(3, 0x9e3779b9)) >>> 0))
  })

  it('gives every replication of a run a distinct unsigned 32-bit seed', () => {
    const seeds = Array.from({length: 1000}, (_, i) => replicationSeed(42, i))
    expect(new Set(seeds).size).toBe(1000)
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true)
  })

  it('gives neighbouring user seeds unrelated streams', () => {
    expect(replicationSeed(1, 0)).not.toBe(replicationSeed(2, 0))
    expect(replicationSeed(1, 1)).not.toBe(replicationSeed(2, 0))
  })

  it('rejects seeds outside [0, 2^32) and negative indices', () => {
    expect(() => replicationSeed(-1, 0)).toThrow(/seed/)
    expect(() => replicationSeed(2 ** 32, 0)).toThrow(/seed/)
    expect(() => replicationSeed(1, -1)).toThrow(/index/)
  })
})
