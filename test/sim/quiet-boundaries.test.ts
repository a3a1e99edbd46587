import {describe, expect, it} from 'vitest'
import {Environment, type ProcessGenerator} from '../../src/sim/engine.js'
import {Cpus} from '../../src/sim/cpus.js'
import {RwSemaphore, type TraceEntry} from '../../src/sim/rwsem.js'
import type {LockUser} from '../../src/sim/lock-user.js'
import {rwsemHandoffNs} from '../../src/model/schema.js'

// Back-to-back sections (the chunks of one mountinfo read, a container's runtime mounts) pass the
// boundaries nobody can observe without an event each (RwSemaphore.passQuietBoundaries). A traced
// semaphore takes every boundary the ordinary way, so it is the per-chunk reference here.
interface Arrival {
  name: string
  atNs: number
  kind: 'read' | 'write' | 'cpu'
  count: number
  ns: number
}

function simulate(arrivals: Arrival[], traced: boolean, cores = 2, keepCoreBetweenSections = false) {
  const env = new Environment()
  const cpus = new Cpus(env, cores, [
    {busyCores: 1, slowdown: 1},
    {busyCores: 2, slowdown: 1.7},
  ])
  const trace: TraceEntry[] = []
  const sem = new RwSemaphore(env, cpus, {
    handoffNs: rwsemHandoffNs(250),
    wakeLatency: () => 20_000,
    trace: traced ? (e) => trace.push(e) : undefined,
    keepCoreBetweenSections,
  })
  const endNs = new Map<string, number>()
  const users: LockUser[] = []
  for (const a of arrivals) {
    const user: LockUser = {name: a.name, waitNs: 0, holdNs: 0}
    users.push(user)
    env.process(
      (function* (): ProcessGenerator {
        if (a.atNs > 0) yield env.timeout(a.atNs)
        if (a.kind === 'cpu') yield cpus.run(a.ns)
        else yield a.kind === 'read' ? sem.readEach(user, a.count, a.ns) : sem.writeEach(user, a.count, a.ns)
        endNs.set(a.name, env.now)
      })(),
    )
  }
  env.run()
  return {
    endNs: Object.fromEntries(endNs),
    events: env.eventsProcessed,
    stats: sem.stats(),
    waits: users.map((u) => [u.waitNs, u.holdNs]),
    busyNs: cpus.busyNs(),
  }
}

describe('quiet section boundaries', () => {
  it('a lone reader runs its 100 chunks as two events (the first chunk, then the other 99) and ends when 100 chunks end', () => {
    const alone: Arrival[] = [{name: 'r', atNs: 0, kind: 'read', count: 100, ns: 1_000}]
    const fast = simulate(alone, false)
    const reference = simulate(alone, true)
    expect(fast.endNs).toEqual({r: 100_000})
    expect(fast.endNs).toEqual(reference.endNs)
    expect(fast.stats).toEqual(reference.stats)
    expect(reference.events - fast.events).toBe(98)
  })

  it('a writer arriving in the middle of a long read takes the lock at the same instant as with one event per chunk', () => {
    const arrivals: Arrival[] = [
      {name: 'r', atNs: 0, kind: 'read', count: 100, ns: 1_000},
      {name: 'w', atNs: 50_500, kind: 'write', count: 3, ns: 2_000},
    ]
    const fast = simulate(arrivals, false)
    const reference = simulate(arrivals, true)
    expect(fast.endNs).toEqual(reference.endNs)
    expect(fast.waits).toEqual(reference.waits)
    expect(fast.stats).toEqual(reference.stats)
    expect(fast.events).toBeLessThan(reference.events)
  })

  it('a task that waits for a core takes it at a chunk boundary exactly as with one event per chunk, under CPU contention', () => {
    const arrivals: Arrival[] = [
      {name: 'r', atNs: 0, kind: 'read', count: 200, ns: 1_000},
      {name: 'busy', atNs: 10_000, kind: 'cpu', count: 1, ns: 300_000},
      {name: 'late', atNs: 20_250, kind: 'cpu', count: 1, ns: 5_000},
      {name: 'w', atNs: 120_700, kind: 'write', count: 12, ns: 1_500},
    ]
    const fast = simulate(arrivals, false, 2)
    const reference = simulate(arrivals, true, 2)
    expect(fast.endNs).toEqual(reference.endNs)
    expect(fast.waits).toEqual(reference.waits)
    expect(fast.stats).toEqual(reference.stats)
    expect(fast.busyNs).toBe(reference.busyNs)
    expect(fast.events).toBeLessThan(reference.events)
  })

  it("by default a task waiting for the only core takes it at the reader's first chunk boundary", () => {
    const arrivals: Arrival[] = [
      {name: 'r', atNs: 0, kind: 'read', count: 50, ns: 1_000},
      {name: 'c', atNs: 500, kind: 'cpu', count: 1, ns: 10_000},
    ]
    const out = simulate(arrivals, false, 1)
    // On one core the curve's slowdown at 1 busy of 1 is 1.7: c's 10 µs of work take 17 µs.
    expect(out.endNs).toEqual({c: 1_000 + 17_000, r: 18_000 + 49_000})
  })

  it('with keepCoreBetweenSections the reader keeps the only core through its chunks, the waiting task runs after, and the chunks take two events', () => {
    const arrivals: Arrival[] = [
      {name: 'r', atNs: 0, kind: 'read', count: 50, ns: 1_000},
      {name: 'c', atNs: 500, kind: 'cpu', count: 1, ns: 10_000},
    ]
    const kept = simulate(arrivals, false, 1, true)
    expect(kept.endNs).toEqual({r: 50_000, c: 50_000 + 17_000})
    const keptTraced = simulate(arrivals, true, 1, true)
    expect(keptTraced.endNs).toEqual(kept.endNs)
    expect(keptTraced.events - kept.events).toBe(48)
  })

  it('a CPU burst alone passes its quantum ends without an event each, and still yields at the first tick after another task asks for the core', () => {
    const env = new Environment()
    const cpus = new Cpus(env, 1, undefined, 1_000)
    const ends: Record<string, number> = {}
    const run = (name: string, atNs: number, ns: number): void => {
      env.process(
        (function* (): ProcessGenerator {
          if (atNs > 0) yield env.timeout(atNs)
          yield cpus.run(ns)
          ends[name] = env.now
        })(),
      )
    }
    run('a', 0, 10_000)
    run('b', 3_500, 2_000)
    env.run()
    // a runs 0-4 µs alone; from the 4 µs tick on the two alternate each quantum: b 4-5, a 5-6, b 6-7; a runs 7-12.
    expect(ends).toEqual({b: 7_000, a: 12_000})
    // One event per quantum end made 21 events. a's ends at 2 and 3 µs (before b arrives at 3.5)
    // and at 9, 10 and 11 µs (nobody left to wait) are no-ops and now take no event: 21 - 5.
    expect(env.eventsProcessed).toBe(21 - 5)
  })
})
