import {describe, expect, it} from 'vitest'
import fc from 'fast-check'
import {EventQueue} from '../../src/sim/event-queue.js'

describe('EventQueue', () => {
  it('pops in (time, priority, insertion) order for any sequence of pushes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({t: fc.integer({min: 0, max: 20}), p: fc.integer({min: 0, max: 1})}), fc.constant(null)), {maxLength: 300}),
        (ops) => {
          const q = new EventQueue<number>(2)
          const model: {t: number; p: number; seq: number}[] = []
          let seq = 0
          for (const op of ops) {
            if (op === null) {
              model.sort((a, b) => a.t - b.t || a.p - b.p || a.seq - b.seq)
              const want = model.shift()
              expect(q.pop()).toBe(want?.seq)
            } else {
              q.push(op.t, op.p, seq)
              model.push({...op, seq: seq++})
            }
            expect(q.size).toBe(model.length)
          }
        },
      ),
      {numRuns: 200},
    )
  })

  it('reports the earliest time without removing it', () => {
    const q = new EventQueue<string>()
    expect(q.peekTime()).toBe(Infinity)
    q.push(9, 1, 'late')
    q.push(2, 1, 'early')
    expect([q.peekTime(), q.size]).toEqual([2, 2])
    expect([q.pop(), q.pop(), q.pop()]).toEqual(['early', 'late', undefined])
  })
})
