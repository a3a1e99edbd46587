import {describe, expect, it} from 'vitest'
import {Environment, type ProcessGenerator} from '../../src/sim/engine.js'
import {Cpus} from '../../src/sim/cpus.js'
import type {LockUser} from '../../src/sim/lock-user.js'
import {RwSemaphore, type TraceEntry} from '../../src/sim/rwsem.js'
import {rwsemHandoffNs} from '../../src/model/schema.js'

// Tiny hand-computed scenarios, one per rule of docs/model.md "The rw-semaphore rules".
// Wake-up latency is 20 µs unless a test says otherwise; 4 cores, so CPUs never get in the way.
function setup(opts: {cores?: number; spinning?: boolean; wakeNs?: number[]} = {}) {
  const env = new Environment()
  const cpus = new Cpus(env, opts.cores ?? 4)
  const trace: TraceEntry[] = []
  const wakes = opts.wakeNs ?? []
  let w = 0
  const sem = new RwSemaphore(env, cpus, {
    handoffNs: rwsemHandoffNs(250), // 4 ms at HZ=250
    wakeLatency: () => (w < wakes.length ? wakes[w++]! : 20_000),
    spinning: opts.spinning ?? true,
    trace: (e) => trace.push(e),
  })
  const users = new Map<string, LockUser>()
  const user = (name: string): LockUser => {
    if (!users.has(name)) users.set(name, {name, waitNs: 0, holdNs: 0})
    return users.get(name)!
  }
  const at = (arriveNs: number, body: () => ProcessGenerator): void => {
    env.process(
      (function* (): ProcessGenerator {
        if (arriveNs > 0) yield env.timeout(arriveNs)
        yield* body()
      })(),
    )
  }
  const writer = (name: string, arriveNs: number, holdNs: number): void =>
    at(arriveNs, function* () {
      yield sem.write(user(name), holdNs)
    })
  const reader = (name: string, arriveNs: number, holdNs: number): void =>
    at(arriveNs, function* () {
      yield sem.read(user(name), holdNs)
    })
  const run = (): TraceEntry[] => {
    env.run()
    return trace
  }
  return {env, cpus, sem, user, at, writer, reader, run}
}

const holdsOnly = (trace: TraceEntry[]): TraceEntry[] => trace.filter(([, a]) => a === 'acquire' || a === 'release')

describe('namespace_sem rw-semaphore', () => {
  it('a second writer waits for the first to release', () => {
    const s = setup({spinning: false})
    s.writer('w1', 0, 5_000)
    s.writer('w2', 1_000, 5_000)
    expect(s.run()).toEqual([
      ['w1', 'acquire', 0],
      ['w2', 'queue', 1_000],
      ['w1', 'release', 5_000],
      ['w2', 'wake', 25_000],
      ['w2', 'acquire', 25_000],
      ['w2', 'release', 30_000],
    ])
  })

  describe('rule 1: readers', () => {
    it('a reader takes the lock at once when no writer holds it and nobody is queued, alongside other readers', () => {
      const s = setup()
      s.reader('r1', 0, 5_000)
      s.reader('r2', 1_000, 5_000)
      expect(s.run()).toEqual([
        ['r1', 'acquire', 0],
        ['r2', 'acquire', 1_000],
        ['r1', 'release', 5_000],
        ['r2', 'release', 6_000],
      ])
    })

    it('a reader arriving while readers hold the lock and a writer waits queues behind the writer', () => {
      const s = setup()
      s.reader('r1', 0, 10_000)
      s.writer('w1', 1_000, 5_000)
      s.reader('r2', 2_000, 3_000)
      expect(s.run()).toEqual([
        ['r1', 'acquire', 0],
        ['w1', 'queue', 1_000],
        ['r2', 'queue', 2_000],
        ['r1', 'release', 10_000],
        ['w1', 'wake', 30_000],
        ['w1', 'acquire', 30_000],
        ['w1', 'release', 35_000],
        ['r2', 'acquire', 35_000],
        ['r2', 'release', 58_000],
      ])
    })

    it('a reader slips in after a release, before the woken writer runs', () => {
      const s = setup()
      s.reader('r1', 0, 5_000)
      s.writer('w1', 1_000, 5_000)
      s.reader('r2', 10_000, 3_000)
      expect(holdsOnly(s.run())).toEqual([
        ['r1', 'acquire', 0],
        ['r1', 'release', 5_000],
        ['r2', 'acquire', 10_000],
        ['r2', 'release', 13_000],
        ['w1', 'acquire', 25_000],
        ['w1', 'release', 30_000],
      ])
    })

    it('a woken writer that finds the lock taken sleeps again and is woken by the next release', () => {
      const s = setup()
      s.reader('r1', 0, 5_000)
      s.writer('w1', 1_000, 5_000)
      s.reader('r2', 10_000, 20_000)
      expect(s.run()).toEqual([
        ['r1', 'acquire', 0],
        ['w1', 'queue', 1_000],
        ['r1', 'release', 5_000],
        ['r2', 'acquire', 10_000],
        ['w1', 'wake', 25_000],
        ['w1', 'sleep', 25_000],
        ['r2', 'release', 30_000],
        ['w1', 'wake', 50_000],
        ['w1', 'acquire', 50_000],
        ['w1', 'release', 55_000],
      ])
    })
  })

  describe('rule 2: writer optimistic spinning', () => {
    it('a writer spins while the owner is a running writer and takes the lock ahead of a sleeping waiter', () => {
      const s = setup()
      s.reader('r1', 0, 10_000)
      s.writer('w1', 1_000, 10_000) // sleeps: the owner is a reader
      s.writer('w2', 12_000, 10_000) // steals the free lock before woken w1 runs
      s.writer('w3', 15_000, 10_000) // spins on running writer w2
      expect(s.run()).toEqual([
        ['r1', 'acquire', 0],
        ['w1', 'queue', 1_000],
        ['r1', 'release', 10_000],
        ['w2', 'acquire', 12_000],
        ['w3', 'spin', 15_000],
        ['w2', 'release', 22_000],
        ['w3', 'acquire', 22_000],
        ['w1', 'wake', 30_000],
        ['w1', 'sleep', 30_000],
        ['w3', 'release', 32_000],
        ['w1', 'wake', 52_000],
        ['w1', 'acquire', 52_000],
        ['w1', 'release', 62_000],
      ])
      // Spinning burns a core: 7 µs of spin on top of 40 µs of lock holding.
      expect(s.sem.stats().spinNs).toBe(7_000)
      expect(s.cpus.busyNs()).toBe(40_000 + 7_000)
    })

    it('a writer does not spin when the owner is a reader: it sleeps without a core', () => {
      const s = setup()
      s.reader('r1', 0, 10_000)
      s.writer('w1', 1_000, 5_000)
      expect(s.run().slice(0, 3)).toEqual([
        ['r1', 'acquire', 0],
        ['w1', 'queue', 1_000],
        ['r1', 'release', 10_000],
      ])
      expect(s.cpus.busyNs()).toBe(10_000 + 5_000)
    })

    it('a spinner stops spinning and sleeps when the owner stops running', () => {
      const s = setup()
      s.at(0, function* () {
        const w1 = s.user('w1')
        yield* s.sem.acquireWrite(w1)
        yield s.env.timeout(2_000)
        yield* s.sem.sleepHolding(w1, 10_000)
        yield s.env.timeout(2_000)
        s.sem.releaseWrite(w1)
      })
      s.writer('w2', 1_000, 5_000)
      expect(s.run()).toEqual([
        ['w1', 'acquire', 0],
        ['w2', 'spin', 1_000],
        ['w2', 'queue', 2_000],
        ['w1', 'release', 14_000],
        ['w2', 'wake', 34_000],
        ['w2', 'acquire', 34_000],
        ['w2', 'release', 39_000],
      ])
    })
  })

  describe('rule 3: release', () => {
    it('wakes only the head writer, which pays the wake-up latency', () => {
      const s = setup()
      s.reader('r1', 0, 5_000)
      s.writer('w1', 1_000, 5_000)
      s.writer('w2', 2_000, 5_000)
      expect(s.run()).toEqual([
        ['r1', 'acquire', 0],
        ['w1', 'queue', 1_000],
        ['w2', 'queue', 2_000],
        ['r1', 'release', 5_000],
        ['w1', 'wake', 25_000],
        ['w1', 'acquire', 25_000],
        ['w1', 'release', 30_000],
        ['w2', 'wake', 50_000],
        ['w2', 'acquire', 50_000],
        ['w2', 'release', 55_000],
      ])
    })

    it('a reader at the head makes all queued readers owners at once, including those behind a writer', () => {
      // No spinning here so that the later writer queues instead of spinning on w0.
      const s = setup({spinning: false})
      s.writer('w0', 0, 10_000)
      s.reader('r1', 1_000, 3_000)
      s.writer('w1', 2_000, 5_000)
      s.reader('r2', 3_000, 3_000)
      expect(holdsOnly(s.run())).toEqual([
        ['w0', 'acquire', 0],
        ['w0', 'release', 10_000],
        ['r1', 'acquire', 10_000],
        ['r2', 'acquire', 10_000],
        ['r1', 'release', 33_000],
        ['r2', 'release', 33_000],
        ['w1', 'acquire', 53_000],
        ['w1', 'release', 58_000],
      ])
    })
  })

  describe('rule 4: handoff', () => {
    it('a head waiter queued longer than the handoff timeout forbids lock stealing', () => {
      const s = setup()
      s.reader('r1', 0, 5_000_000)
      s.writer('w1', 1_000, 5_000) // waits 5 ms > 4 ms handoff by the time r1 releases
      s.reader('r2', 5_010_000, 3_000) // would steal without the handoff
      s.writer('w2', 5_011_000, 3_000) // likewise
      expect(holdsOnly(s.run())).toEqual([
        ['r1', 'acquire', 0],
        ['r1', 'release', 5_000_000],
        ['w1', 'acquire', 5_020_000],
        ['w1', 'release', 5_025_000],
        ['r2', 'acquire', 5_025_000], // granted on w1's release, runs after its 20 µs wake-up
        ['r2', 'release', 5_048_000],
        ['w2', 'acquire', 5_068_000],
        ['w2', 'release', 5_071_000],
      ])
    })

    it('before the handoff timeout, the same late reader does steal the lock', () => {
      const s = setup()
      s.reader('r1', 0, 2_000_000)
      s.writer('w1', 1_000, 5_000)
      s.reader('r2', 2_010_000, 3_000)
      expect(holdsOnly(s.run())).toEqual([
        ['r1', 'acquire', 0],
        ['r1', 'release', 2_000_000],
        ['r2', 'acquire', 2_010_000],
        ['r2', 'release', 2_013_000],
        ['w1', 'acquire', 2_020_000],
        ['w1', 'release', 2_025_000],
      ])
    })

    it('uses DIV_ROUND_UP(HZ, 250) jiffies as the timeout', () => {
      expect([rwsemHandoffNs(100), rwsemHandoffNs(250), rwsemHandoffNs(300), rwsemHandoffNs(1000)]).toEqual([10_000_000, 4_000_000, 6_666_667, 4_000_000])
    })
  })

  describe('rule 5: wake-up latency', () => {
    it('draws a wake-up latency for each woken task from the model', () => {
      const s = setup({spinning: false, wakeNs: [20_000, 30_000]})
      s.writer('w0', 0, 10_000)
      s.reader('r1', 1_000, 3_000)
      s.reader('r2', 2_000, 3_000)
      expect(holdsOnly(s.run()).filter(([n]) => n !== 'w0')).toEqual([
        ['r1', 'acquire', 10_000],
        ['r2', 'acquire', 10_000],
        ['r1', 'release', 33_000],
        ['r2', 'release', 43_000],
      ])
    })
  })

  it('keeps hold, wait, utilisation and acquisition statistics', () => {
    const s = setup({spinning: false})
    s.writer('w1', 0, 5_000)
    s.reader('r1', 1_000, 2_000)
    s.reader('r2', 1_000, 4_000)
    s.run()
    // w1 holds 0-5 µs; r1 and r2 are granted at 5 µs, run at 25 µs, release at 27 and 29 µs.
    expect(s.sem.stats()).toEqual({
      writeHoldNs: 5_000,
      readHoldNs: 24_000,
      waitNs: 4_000 + 4_000,
      spinNs: 0,
      utilization: 29_000 / 29_000,
      acquisitions: 3,
      writeAcquisitions: 1,
      readAcquisitions: 2,
    })
    expect([s.user('r1').waitNs, s.user('r1').holdNs, s.user('r2').holdNs]).toEqual([4_000, 22_000, 24_000])
  })

  it('refuses a release by a task that does not hold the lock', () => {
    const s = setup()
    expect(() => s.sem.releaseWrite(s.user('nobody'))).toThrow(/does not hold/)
    expect(() => s.sem.releaseRead(s.user('nobody'))).toThrow(/does not hold/)
  })
})

describe('lock wait accounting', () => {
  it('counts time from the down_write call, not the time a runnable task waited for a core', () => {
    const env = new Environment()
    const cpus = new Cpus(env, 1)
    const sem = new RwSemaphore(env, cpus, {handoffNs: rwsemHandoffNs(250), wakeLatency: () => 20_000})
    const busy: LockUser = {name: 'busy', waitNs: 0, holdNs: 0}
    const w: LockUser = {name: 'w', waitNs: 0, holdNs: 0}
    env.process(
      (function* (): ProcessGenerator {
        yield cpus.run(50_000) // some other task owns the only core for 50 µs
      })(),
    )
    env.process(
      (function* (): ProcessGenerator {
        yield env.timeout(1_000)
        yield sem.write(w, 5_000)
      })(),
    )
    env.run()
    expect([w.waitNs, w.holdNs, env.now, busy.waitNs]).toEqual([0, 5_000, 55_000, 0])
  })
})

describe('sections as events', () => {
  // The same contended mix (2 cores, spinning, wake-ups, readers behind writers), with the
  // three-section task written as a loop of `write` calls or as one `writeEach`.
  const contended = (asOneEvent: boolean): {trace: TraceEntry[]; doneNs: number; events: number} => {
    const s = setup({cores: 2, wakeNs: [7_000, 3_000, 11_000, 5_000]})
    let doneNs = -1
    s.at(500, function* () {
      if (asOneEvent) yield s.sem.writeEach(s.user('t'), 3, 2_000)
      else for (let i = 0; i < 3; i++) yield s.sem.write(s.user('t'), 2_000)
      doneNs = s.env.now
    })
    s.writer('w1', 0, 3_000)
    s.writer('w2', 1_000, 4_000)
    s.reader('r1', 1_500, 6_000)
    s.writer('w3', 2_500, 1_000)
    s.reader('r2', 9_000, 2_000)
    const trace = s.run()
    return {trace, doneNs, events: s.env.eventsProcessed}
  }

  it('back-to-back sections run exactly as that many write calls in a row', () => {
    const loop = contended(false)
    const each = contended(true)
    expect(each).toEqual(loop)
    expect(loop.trace.filter(([n, a]) => n === 't' && a === 'acquire')).toHaveLength(3)
  })

  it('the process continues after the release, and a zero-length or zero-count section takes no time', () => {
    const s = setup()
    const seen: [string, number, string][] = []
    s.at(0, function* () {
      yield s.sem.write(s.user('w'), 5_000)
      seen.push(['after write', s.env.now, String(s.sem.stats().writeHoldNs)])
      yield s.sem.writeEach(s.user('w'), 0, 5_000)
      yield s.sem.write(s.user('w'), 0)
      seen.push(['after empty', s.env.now, String(s.sem.stats().writeAcquisitions)])
    })
    s.run()
    expect(seen).toEqual([
      ['after write', 5_000, '5000'],
      ['after empty', 5_000, '2'],
    ])
  })

  it('refuses a hold that is not a whole number of nanoseconds', () => {
    const s = setup()
    expect(() => s.sem.write(s.user('w'), 1.5)).toThrow(/whole number of ns/)
  })
})

describe('one lock section object per task (LockSection.reuse)', () => {
  it('a task that slept as a writer sleeps as a reader next and is granted as one', () => {
    const s = setup({spinning: false})
    s.writer('w1', 0, 10_000)
    s.at(1_000, function* () {
      yield s.sem.write(s.user('u'), 5_000) // queues behind w1, woken at 10 µs, holds 30–35 µs
      yield s.env.timeout(25_000)
      yield s.sem.read(s.user('u'), 5_000) // w2 holds the lock: queues as a reader in the same entry
    })
    s.writer('w2', 31_000, 10_000) // queues behind u, woken at 35 µs, holds 55–65 µs
    expect(holdsOnly(s.run())).toEqual([
      ['w1', 'acquire', 0],
      ['w1', 'release', 10_000],
      ['u', 'acquire', 30_000],
      ['u', 'release', 35_000],
      ['w2', 'acquire', 55_000],
      ['w2', 'release', 65_000],
      ['u', 'acquire', 65_000], // granted as a reader on w2's release (rwsem_mark_wake), runs 20 µs later
      ['u', 'release', 90_000],
    ])
  })

  it('refuses to reuse a section that is still in flight', () => {
    const s = setup()
    const section = s.sem.write(s.user('u'), 5_000) as unknown as {reuse: (w: boolean, c: number, n: number) => unknown}
    expect(() => section.reuse(false, 1_000, 1)).toThrow(/still in use/)
  })
})
