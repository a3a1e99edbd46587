import {describe, expect, it} from 'vitest'
import {Environment, URGENT, type ProcessGenerator} from '../../src/sim/engine.js'

describe('Environment', () => {
  it('runs two processes and interleaves them by time, like SimPy', () => {
    const env = new Environment()
    const trace: [string, number, number][] = []
    function* worker(name: string, delays: number[]): ProcessGenerator {
      for (const d of delays) {
        const start = env.now
        yield env.timeout(d)
        trace.push([name, start, env.now])
      }
    }
    env.process(worker('a', [5, 5]))
    env.process(worker('b', [3, 9]))
    env.run()
    expect(trace).toEqual([
      ['b', 0, 3],
      ['a', 0, 5],
      ['a', 5, 10],
      ['b', 3, 12],
    ])
    expect(env.now).toBe(12)
  })

  it('processes simultaneous events in scheduling order, URGENT before NORMAL', () => {
    const env = new Environment()
    const order: string[] = []
    for (const name of ['first', 'second', 'third']) env.timeout(10).addCallback(() => order.push(name))
    const urgent = env.event()
    urgent.addCallback(() => order.push('urgent'))
    env.timeout(0).addCallback(() => env.schedule(urgent, 10, URGENT))
    env.run()
    expect(order).toEqual(['urgent', 'first', 'second', 'third'])
  })

  it('starts processes in creation order at the same instant', () => {
    const env = new Environment()
    const started: number[] = []
    for (let i = 0; i < 5; i++) {
      env.process(
        (function* (): ProcessGenerator {
          started.push(i)
          yield env.timeout(1)
        })(),
      )
    }
    env.run()
    expect(started).toEqual([0, 1, 2, 3, 4])
  })

  it('lets a process wait for a child process and receive its return value', () => {
    const env = new Environment()
    function* child(): ProcessGenerator<string> {
      yield env.timeout(7)
      return 'done'
    }
    let got: unknown
    let at = -1
    env.process(
      (function* (): ProcessGenerator {
        got = yield env.process(child())
        at = env.now
      })(),
    )
    env.run()
    expect([got, at]).toEqual(['done', 7])
  })

  it('composes sub-steps with yield* and passes event values back', () => {
    const env = new Environment()
    function* step(ns: number): ProcessGenerator<number> {
      const v = (yield env.timeout(ns, ns * 2)) as number
      return v
    }
    let total = 0
    env.process(
      (function* (): ProcessGenerator {
        total += yield* step(2)
        total += yield* step(3)
      })(),
    )
    env.run()
    expect([total, env.now]).toEqual([10, 5])
  })

  it('resumes at once when a process yields an event that was already processed', () => {
    const env = new Environment()
    const early = env.timeout(1, 'early')
    const trace: [unknown, number][] = []
    env.process(
      (function* (): ProcessGenerator {
        yield env.timeout(5)
        trace.push([yield early, env.now])
      })(),
    )
    env.run()
    expect(trace).toEqual([['early', 5]])
  })

  it('wakes a waiter when another process succeeds a shared event', () => {
    const env = new Environment()
    const signal = env.event<string>()
    const trace: [unknown, number][] = []
    env.process(
      (function* (): ProcessGenerator {
        trace.push([yield signal, env.now])
      })(),
    )
    env.process(
      (function* (): ProcessGenerator {
        yield env.timeout(4)
        signal.succeed('go')
      })(),
    )
    env.run()
    expect(trace).toEqual([['go', 4]])
  })

  it('stops before events at the until time and leaves the clock there', () => {
    const env = new Environment()
    const fired: number[] = []
    for (const t of [1, 5, 10, 11]) env.timeout(t).addCallback(() => fired.push(t))
    env.run(10)
    expect([fired, env.now, env.peek()]).toEqual([[1, 5], 10, 10])
    env.run()
    expect(fired).toEqual([1, 5, 10, 11])
  })

  it('counts processed events and reports Infinity when idle', () => {
    const env = new Environment()
    env.timeout(3)
    env.timeout(4)
    expect(env.peek()).toBe(3)
    env.run()
    expect([env.eventsProcessed, env.peek()]).toEqual([2, Infinity])
    expect(() => env.step()).toThrow(/no scheduled events/)
  })

  it('counts distinct instants when asked: events at one time count once, in run, step and runUntilProcessed alike', () => {
    expect(new Environment().instantsProcessed).toBeNull()
    const env = new Environment(0, {countInstants: true})
    for (const t of [0, 3, 3, 3, 7, 12, 12]) env.timeout(t)
    env.step() // t = 0: the first instant, even at the starting clock
    env.run(5) // 3, 3, 3: one instant; the clock then reads 5 with nothing processed at 5
    expect([env.eventsProcessed, env.instantsProcessed]).toEqual([4, 2])
    env.timeout(0) // at 5, where run(5) left the clock: an instant of its own
    // Then 5, 7, and at 12 the two earlier timeouts and this one (7 from now): 0, 3, 5, 7, 12.
    expect(env.runUntilProcessed(env.timeout(7))).toBe(true)
    expect([env.eventsProcessed, env.instantsProcessed, env.peek()]).toEqual([9, 5, Infinity])
  })

  it('rejects fractional or negative timeouts and double triggering', () => {
    const env = new Environment()
    expect(() => env.timeout(1.5)).toThrow(/integer/)
    expect(() => env.timeout(-1)).toThrow(/non-negative/)
    const e = env.event().succeed()
    expect(() => e.succeed()).toThrow(/already triggered/)
  })

  it('runs until one event has been processed, leaving later events queued', () => {
    const env = new Environment()
    const fired: number[] = []
    for (const t of [1, 5, 9]) env.timeout(t).addCallback(() => fired.push(t))
    const target = env.timeout(5)
    expect(env.runUntilProcessed(target)).toBe(true)
    expect([fired, env.now, env.peek(), env.eventsProcessed]).toEqual([[1, 5], 5, 9, 3])
  })

  it('reports a run that ran dry before its event was processed', () => {
    const env = new Environment()
    env.timeout(2)
    const never = env.event()
    expect(env.runUntilProcessed(never)).toBe(false)
    expect([env.now, never.processed]).toEqual([2, false])
  })

  it('continues a process at once, without a queue entry, when it yields an event that already happened', () => {
    const env = new Environment()
    const seen: number[] = []
    env.process(
      (function* (): ProcessGenerator {
        yield env.processedEvent()
        seen.push(env.eventsProcessed)
      })(),
    )
    env.run()
    // Only the start was processed before the process went on; then its own end.
    expect([seen, env.eventsProcessed]).toEqual([[1], 2])
  })
})
