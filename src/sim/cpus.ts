import type {Environment, Ns, ProcessGenerator} from './engine.js'
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

  /** Runs `ns` of work on a core, waiting FIFO for one if all are busy. */
  *run(ns: Ns): ProcessGenerator {
    const granted = this.cores.acquire()
    if (granted !== null) yield granted
    if (ns > 0) yield this.env.timeout(ns)
    this.cores.release()
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
