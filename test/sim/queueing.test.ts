import {describe, expect, it} from 'vitest'
import {Environment, type ProcessGenerator} from '../../src/sim/engine.js'
import {FifoResource} from '../../src/sim/resource.js'
import {Cpus} from '../../src/sim/cpus.js'
import type {LockUser} from '../../src/sim/lock-user.js'
import {RwSemaphore} from '../../src/sim/rwsem.js'
import {createPrng} from '../../src/lib/prng.js'
import {exponential, fixed, type Sampler} from '../../src/model/distributions.js'

// Closed-form checks of the engine against queueing theory: a single FIFO server fed by Poisson
// arrivals at utilisation 0.5, one million customers each.
const CUSTOMERS = 1_000_000
const SERVICE_MEAN_NS = 1_000_000
const RHO = 0.5
const MU = 1 / SERVICE_MEAN_NS
const LAMBDA = RHO * MU

/** Mean queueing delay (arrival → service start) over all customers. */
function meanWait(env: Environment, interArrival: Sampler, serve: (arrivedNs: number) => ProcessGenerator, waits: {sum: number}): number {
  env.process(
    (function* (): ProcessGenerator {
      for (let i = 0; i < CUSTOMERS; i++) {
        yield env.timeout(interArrival())
        env.process(serve(env.now))
      }
    })(),
  )
  env.run()
  return waits.sum / CUSTOMERS
}

describe('engine vs closed-form queueing results', () => {
  it('M/M/1 on a FIFO resource: mean wait is rho/(mu - lambda) within 3%', () => {
    const env = new Environment()
    const rng = createPrng(2024)
    const server = new FifoResource(env, 1)
    const service = exponential(SERVICE_MEAN_NS, rng.fork(1))
    const waits = {sum: 0}
    const serve = function* (arrivedNs: number): ProcessGenerator {
      const granted = server.acquire()
      if (granted !== null) yield granted
      waits.sum += env.now - arrivedNs
      yield env.timeout(service())
      server.release()
    }
    const wq = meanWait(env, exponential(1 / LAMBDA, rng.fork(2)), serve, waits)
    const analytic = RHO / (MU - LAMBDA) // 1 ms
    expect(Math.abs(wq / analytic - 1)).toBeLessThan(0.03)
    expect(server.busyNs() / env.now).toBeCloseTo(RHO, 1)
  })

  it('M/D/1 on the rw-semaphore (writers only, no spinning, no wake-up latency): mean wait is rho/(2 mu (1 - rho)) within 3%', () => {
    const env = new Environment()
    const rng = createPrng(7)
    const sem = new RwSemaphore(env, new Cpus(env, 2), {handoffNs: Infinity, wakeLatency: fixed(0), spinning: false})
    const waits = {sum: 0}
    const serve = function* (): ProcessGenerator {
      const user: LockUser = {name: 'c', waitNs: 0, holdNs: 0}
      yield sem.write(user, SERVICE_MEAN_NS)
      waits.sum += user.waitNs
    }
    const wq = meanWait(env, exponential(1 / LAMBDA, rng.fork(1)), serve, waits)
    const analytic = RHO / (2 * MU * (1 - RHO)) // 0.5 ms
    expect(Math.abs(wq / analytic - 1)).toBeLessThan(0.03)
    expect(sem.stats().utilization).toBeCloseTo(RHO, 1)
    expect(sem.stats().acquisitions).toBe(CUSTOMERS)
  })
})
