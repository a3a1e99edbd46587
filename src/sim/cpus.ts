import {NORMAL, PENDING, SimEvent, type Environment, type Ns, type Resumable} from './engine.js'
import {FifoResource} from './resource.js'

/**
 * The node's cores: a FIFO resource. A task holds a core only while it runs kernel (or
 * runtime) work; a task sleeping on a lock or an RCU grace period holds none; an
 * optimistically spinning writer keeps its core busy (rwsem.ts). Scheduling is
 * non-preemptive: enough to show CPU saturation, not a model of CFS/EEVDF.
 */
export class Cpus {
  private readonly cores: FifoResource
  private readonly env: Environment
  readonly count: number

  constructor(env: Environment, count: number) {
    this.env = env
    this.count = count
    this.cores = new FifoResource(env, count)
  }

  /** null when a core was free and is now held; otherwise an event that fires with one. */
  acquire(): ReturnType<FifoResource['acquire']> {
    return this.cores.acquire()
  }

  release(): void {
    this.cores.release()
  }

  /**
   * Runs `ns` of work on a core, waiting FIFO for one if all are busy, then sleeps `thenAsleepNs`
   * holding none (the runtime waiting for its child, say). Yield the returned event.
   */
  run(ns: Ns, thenAsleepNs: Ns = 0): SimEvent<unknown> {
    return new CpuBurst(this.env, this, ns, thenAsleepNs).start(this.cores.acquire())
  }

  /** Tasks waiting for a core right now. */
  get runQueue(): number {
    return this.cores.queued
  }

  /** Core-nanoseconds of work done so far. */
  busyNs(): number {
    return this.cores.busyNs()
  }
}

/**
 * `ns` of work on a core as one event: it fires when the work is done, after the core is given
 * back (as a generator doing acquire / timeout / release would, without the generator); with a
 * sleep after the work, it fires once more when that is over, the second time for its waiter.
 */
class CpuBurst extends SimEvent<unknown> implements Resumable {
  private readonly cpus: Cpus
  private readonly ns: Ns
  /** Sleep still to do once the work is done; -1 once it is scheduled. */
  private asleepNs: Ns

  constructor(env: Environment, cpus: Cpus, ns: Ns, asleepNs: Ns) {
    super(env)
    this.cpus = cpus
    this.ns = ns
    this.asleepNs = asleepNs
  }

  start(granted: SimEvent<unknown> | null): this {
    if (granted === null) this.work()
    else granted.addWaiter(this)
    return this
  }

  /** @internal A core was handed over. */
  resume(): void {
    this.work()
  }

  /** @internal The work is done (or the sleep after it). */
  override fire(): void {
    const asleepNs = this.asleepNs
    if (asleepNs < 0) {
      super.fire()
      return
    }
    this.cpus.release()
    if (asleepNs > 0) {
      if (!Number.isInteger(asleepNs)) throw new RangeError(`Cpus.run: sleep must be a whole number of ns, got ${asleepNs}`)
      this.asleepNs = -1
      this.state = PENDING
      this.env.schedule(this, asleepNs, NORMAL)
      return
    }
    super.fire()
  }

  private work(): void {
    const ns = this.ns
    if (ns > 0) {
      if (!Number.isInteger(ns)) throw new RangeError(`Cpus.run: work must be a whole number of ns, got ${ns}`)
      this.env.schedule(this, ns, NORMAL)
    } else {
      this.fire()
    }
  }
}
