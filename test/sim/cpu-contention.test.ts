import {describe, expect, it} from 'vitest'
import {Environment, type ProcessGenerator} from '../../src/sim/engine.js'
import {Cpus} from '../../src/sim/cpus.js'
import type {LockUser} from '../../src/sim/lock-user.js'
import {RwSemaphore} from '../../src/sim/rwsem.js'
import {slowdownAtFraction, slowdownTable} from '../../src/sim/cpu-contention.js'
import {KernelModelSchema, rwsemHandoffNs} from '../../src/model/schema.js'
import {fixtureModel} from './fixtures/model.js'

// Measured on a 2-core machine: two busy cores make every piece of CPU work take twice as long.
const TWO_CORE_DOUBLING = [
  {busyCores: 1, slowdown: 1},
  {busyCores: 2, slowdown: 2},
]

function at(env: Environment, ns: number, body: () => ProcessGenerator): void {
  env.process(
    (function* (): ProcessGenerator {
      if (ns > 0) yield env.timeout(ns)
      yield* body()
    })(),
  )
}

describe('CPU contention', () => {
  it('makes two concurrent 10 µs works on 2 cores take 20 µs each, and one alone 10 µs', () => {
    const env = new Environment()
    const cpus = new Cpus(env, 2, TWO_CORE_DOUBLING)
    const done: [string, number][] = []
    for (const name of ['a', 'b']) {
      at(env, 0, function* () {
        yield cpus.run(10_000)
        done.push([name, env.now])
      })
    }
    at(env, 100_000, function* () {
      yield cpus.run(10_000)
      done.push(['alone', env.now])
    })
    env.run()
    expect(Object.fromEntries(done)).toEqual({a: 20_000, b: 20_000, alone: 110_000})
    expect(cpus.busyNs()).toBe(50_000)
  })

  it('leaves work unscaled when the model has no contention curve', () => {
    const env = new Environment()
    const cpus = new Cpus(env, 2)
    const done: number[] = []
    for (let i = 0; i < 2; i++) {
      at(env, 0, function* () {
        yield cpus.run(10_000)
        done.push(env.now)
      })
    }
    env.run()
    expect(done).toEqual([10_000, 10_000])
  })

  it('does not stretch a namespace_sem hold (mount work measured no slower under concurrency), while the runtime burst beside it is', () => {
    const env = new Environment()
    const cpus = new Cpus(env, 2, TWO_CORE_DOUBLING)
    const sem = new RwSemaphore(env, cpus, {handoffNs: rwsemHandoffNs(250), wakeLatency: () => 20_000, spinning: true})
    const writer: LockUser = {name: 'w', waitNs: 0, holdNs: 0}
    let releasedNs = -1
    let burstDoneNs = -1
    at(env, 0, function* () {
      yield cpus.run(50_000) // the other core: doubled while the writer holds its core
      burstDoneNs = env.now
    })
    at(env, 1_000, function* () {
      yield sem.write(writer, 10_000)
      releasedNs = env.now
    })
    env.run()
    expect(releasedNs).toBe(11_000)
    expect(writer.holdNs).toBe(10_000)
    // 1 µs alone, 10 µs of wall at half speed (5 µs of work), then the remaining 44 µs alone.
    expect(burstDoneNs).toBe(1_000 + 10_000 + 44_000)
  })

  it('reads a 2-core curve by busy fraction on a 4-core node', () => {
    // 1 or 2 busy of 4 is at or below half: at most the curve's 1/2 point (slowdown 1);
    // 3 of 4 is halfway between 1/2 and 2/2.
    expect(Array.from(slowdownTable(TWO_CORE_DOUBLING, 4))).toEqual([1, 1, 1, 1.5, 2])
    expect(slowdownAtFraction(TWO_CORE_DOUBLING, 0.1)).toBe(1)
    expect(slowdownAtFraction(TWO_CORE_DOUBLING, 1)).toBe(2)
  })

  it('uses every measured point of a 4-core curve on a 2-core node', () => {
    const curve = [1, 1.2, 1.6, 2.4].map((slowdown, i) => ({busyCores: i + 1, slowdown}))
    expect(Array.from(slowdownTable(curve, 2))).toEqual([1, 1.2, 2.4])
  })
})

describe('cpuContention in the model file', () => {
  const source = {command: 'dp-probe contention', samples: 3}

  it('is optional, so a model without it still loads', () => {
    expect(KernelModelSchema.safeParse(fixtureModel()).success).toBe(true)
  })

  it('loads a curve that starts at busyCores 1 with slowdown 1', () => {
    const model = fixtureModel({cpuContention: {points: TWO_CORE_DOUBLING, source}})
    expect(KernelModelSchema.parse(model).costs.cpuContention?.points).toEqual(TWO_CORE_DOUBLING)
  })

  it('rejects a curve whose first slowdown is not 1 or whose busyCores skip a count', () => {
    const notOne = fixtureModel({cpuContention: {points: [{busyCores: 1, slowdown: 1.1}], source}})
    const gap = fixtureModel({
      cpuContention: {
        points: [
          {busyCores: 1, slowdown: 1},
          {busyCores: 3, slowdown: 2},
        ],
        source,
      },
    })
    expect(KernelModelSchema.safeParse(notOne).success).toBe(false)
    expect(KernelModelSchema.safeParse(gap).success).toBe(false)
  })
})
