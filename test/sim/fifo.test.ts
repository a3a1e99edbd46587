import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {Fifo} from '../../src/sim/fifo.js'

describe('Fifo (ring buffer)', () => {
  it('gives items back in the order they came, through wrap-arounds and growth, like an array queue', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({min: 0, max: 1_000}), fc.constant(-1)), {maxLength: 400}), (ops) => {
        const fifo = new Fifo<number>()
        const model: number[] = []
        for (const op of ops) {
          if (op < 0) expect(fifo.shift()).toBe(model.shift())
          else {
            fifo.push(op)
            model.push(op)
          }
          expect(fifo.length).toBe(model.length)
          expect(fifo.peek()).toBe(model[0])
        }
        expect(fifo.toArray()).toEqual(model)
      }),
      {numRuns: 300},
    )
  })

  it('keeps order when it grows while its head is not at the start', () => {
    const fifo = new Fifo<number>()
    for (let i = 0; i < 10; i++) fifo.push(i)
    for (let i = 0; i < 7; i++) fifo.shift()
    for (let i = 10; i < 40; i++) fifo.push(i) // wraps, then grows past 16
    expect(fifo.toArray()).toEqual(Array.from({length: 33}, (_, i) => i + 7))
    expect(fifo.shift()).toBe(7)
  })

  it('starts from a power-of-two capacity and refuses any other', () => {
    const fifo = new Fifo<number>(1)
    for (let i = 0; i < 5; i++) fifo.push(i)
    expect(fifo.toArray()).toEqual([0, 1, 2, 3, 4])
    expect(() => new Fifo<number>(24)).toThrow(/power of two/)
    expect(() => new Fifo<number>(0)).toThrow(/power of two/)
  })
})
