import {describe, expect, it} from 'vitest'
import {Environment, type ProcessGenerator} from '../../src/sim/engine.js'
import {Cpus} from '../../src/sim/cpus.js'
import {RcuGracePeriods} from '../../src/sim/rcu.js'
import {FifoResource} from '../../src/sim/resource.js'
import {fixed} from '../../src/model/distributions.js'
import {createPrng} from '../../src/lib/prng.js'
import {buildNode} from '../../src/sim/run-scenario.js'
import {newTask} from '../../src/sim/node.js'
import {otnStart} from '../../src/sim/paths/otn.js'
import {mountinfoReader} from '../../src/sim/paths/readers.js'
import {fixtureModel} from './fixtures/model.js'
import {baseScenario} from './fixtures/scenario.js'

function at(env: Environment, ns: number, body: () => ProcessGenerator): void {
  env.process(
    (function* (): ProcessGenerator {
      if (ns > 0) yield env.timeout(ns)
      yield* body()
    })(),
  )
}

describe('CPUs', () => {
  it('runs at most N tasks at once and queues the rest first come, first served', () => {
    const env = new Environment()
    const cpus = new Cpus(env, 2)
    const done: [string, number][] = []
    for (const [name, arrive] of [
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 3],
    ] as const) {
      at(env, arrive, function* () {
        yield cpus.run(10)
        done.push([name, env.now])
      })
    }
    env.run()
    expect(done).toEqual([
      ['a', 10],
      ['b', 11],
      ['c', 20],
      ['d', 21],
    ])
    expect(cpus.busyNs()).toBe(40)
  })

  it('gives the core back for the sleep after the work, so a waiting task runs meanwhile', () => {
    const env = new Environment()
    const cpus = new Cpus(env, 1)
    const done: [string, number][] = []
    at(env, 0, function* () {
      yield cpus.run(10, 100) // 10 ns on the core, then 100 ns asleep
      done.push(['a', env.now])
    })
    at(env, 1, function* () {
      yield cpus.run(20)
      done.push(['b', env.now])
    })
    env.run()
    expect(done).toEqual([
      ['b', 30],
      ['a', 110],
    ])
    expect(cpus.busyNs()).toBe(30)
  })

  it('preempts a long burst at every quantum while another task waits, round robin', () => {
    const env = new Environment()
    const cpus = new Cpus(env, 1, undefined, 4)
    const done: [string, number][] = []
    for (const [name, arrive] of [
      ['a', 0],
      ['b', 1],
    ] as const) {
      at(env, arrive, function* () {
        yield cpus.run(10)
        done.push([name, env.now])
      })
    }
    env.run()
    // a 0-4, b 4-8, a 8-12, b 12-16, a 16-18, b 18-20
    expect(done).toEqual([
      ['a', 18],
      ['b', 20],
    ])
    expect(cpus.busyNs()).toBe(20)
  })

  it('keeps running past the quantum when nobody waits for a core', () => {
    const env = new Environment()
    const cpus = new Cpus(env, 2, undefined, 4)
    const done: [string, number][] = []
    at(env, 0, function* () {
      yield cpus.run(10)
      done.push(['a', env.now])
    })
    at(env, 1, function* () {
      yield cpus.run(10)
      done.push(['b', env.now])
    })
    env.run()
    expect(done).toEqual([
      ['a', 10],
      ['b', 11],
    ])
  })
})

describe('FifoResource', () => {
  it('hands a released unit to the head waiter, not to a later arrival', () => {
    const env = new Environment()
    const r = new FifoResource(env, 1)
    const got: [string, number][] = []
    const user = (name: string, arrive: number, hold: number): void =>
      at(env, arrive, function* () {
        yield r.request()
        got.push([name, env.now])
        yield env.timeout(hold)
        r.release()
      })
    user('a', 0, 10)
    user('b', 5, 10)
    user('c', 10, 10)
    env.run()
    expect(got).toEqual([
      ['a', 0],
      ['b', 10],
      ['c', 20],
    ])
  })
})

describe('RCU grace periods', () => {
  it('lets concurrent callers share one grace period; a caller during a grace period waits for the next', () => {
    const env = new Environment()
    const rcu = new RcuGracePeriods(env, fixed(1_000))
    const done: [string, number][] = []
    for (const [name, arrive] of [
      ['a', 0],
      ['b', 0],
      ['c', 500],
      ['d', 900],
      ['e', 2_500],
    ] as const) {
      at(env, arrive, function* () {
        yield rcu.synchronize()
        done.push([name, env.now])
      })
    }
    env.run()
    expect(done).toEqual([
      ['a', 1_000],
      ['b', 1_000],
      ['c', 2_000],
      ['d', 2_000],
      ['e', 3_500],
    ])
    expect(rcu.gracePeriods).toBe(3)
  })
})

describe('OTN creators', () => {
  it('serialise on the nullfs root inode lock before namespace_sem', () => {
    const model = fixtureModel()
    const s = baseScenario({path: 'otn', pod: {...baseScenario().pod, runtimeMounts: 0}})
    const node = buildNode(model, s, createPrng(1))
    const a = newTask('a', 0)
    const b = newTask('b', 0)
    node.env.process(otnStart(node, a))
    node.env.process(otnStart(node, b))
    node.env.run()
    const otnNs = model.costs.otn.fixedNs + model.costs.otn.perUnitNs * s.pod.rootfsMounts
    // b waited for a's create_new_namespace on the inode lock, not on namespace_sem.
    expect([a.waitNs, b.waitNs, node.env.now]).toEqual([0, 0, 5_000_000 + 2 * otnNs])
  })
})

describe('mountinfo readers', () => {
  it('read the whole host table in ~75-line chunks, one read acquisition per chunk', () => {
    const model = fixtureModel()
    const s = baseScenario({hostMounts: 200})
    const node = buildNode(model, s, createPrng(1))
    const reader = {name: 'systemd', waitNs: 0, holdNs: 0}
    let reads = 0
    node.env.process(mountinfoReader(node, reader, 1_000_000, createPrng(2), () => reads++ >= 1))
    node.env.run()
    const chunk = model.costs.mountinfoChunk
    // 200 lines = 75 + 75 + 50.
    expect(node.sem.stats().readAcquisitions).toBe(3)
    expect(reader.holdNs).toBe(3 * chunk.fixedNs + 200 * chunk.perUnitNs)
  })
})
