import {NORMAL, PENDING, SimEvent, type Environment, type Ns} from './engine.js'
import {FifoResource} from './resource.js'
import {slowdownTable, type ContentionPoint} from './cpu-contention.js'

/**
 * The node's cores: a FIFO resource. A task holds a core only while it runs kernel (or
 * runtime) work; a task sleeping on a lock or an RCU grace period holds none; an
 * optimistically spinning writer keeps its core busy (rwsem.ts). Scheduling is
 * non-preemptive: enough to show CPU saturation, not a model of CFS/EEVDF.
 *
 * With a measured contention curve (cpu-contention.ts), a busy core runs work at speed
 * 1/slowdown(b / count) while b cores are busy (spinners included): CPU work of `ns` measured
 * alone finishes once it has made `ns` of progress. This is processor sharing in the speed of
 * each core, not in the number of cores: two 10 µs works on 2 cores with slowdown(2) = 2 take
 * 20 µs each, one alone takes 10 µs. Progress is a clock (`mark`) advanced on every change of the
 * busy count; a burst is scheduled for its time at the current speed and, when it fires early
 * because the speed dropped meanwhile, re-scheduled for what is left (one more event only when
 * the busy count changed during it). Spinning and sleeping are wall time and never scaled.
 */
export class Cpus {
  private readonly cores: FifoResource
  private readonly env: Environment
  readonly count: number
  /** Slowdown by busy-core count (index 0..count), or null when the model has no contention curve. */
  private readonly slowdownByBusy: Float64Array | null
  /** Progress clock: ns of uncontended work a busy core has done since time 0, as of `markAtNs`. */
  private markNs = 0
  private markAtNs = 0
  /**
   * Round-robin quantum (uncontended ns of work): a burst longer than this gives its core to a
   * waiting task at every quantum and queues again, as the scheduler tick preempts a CPU hog
   * (one tick = 1/CONFIG_HZ). Infinity = run to completion (non-preemptive).
   */
  readonly quantumNs: number

  constructor(env: Environment, count: number, contention?: readonly ContentionPoint[], quantumNs: number = Infinity) {
    if (!(quantumNs > 0)) throw new RangeError(`Cpus: quantum must be positive, got ${quantumNs}`)
    this.env = env
    this.count = count
    this.quantumNs = quantumNs
    this.cores = new FifoResource(env, count)
    this.slowdownByBusy = contention && contention.length > 0 ? slowdownTable(contention, count) : null
  }

  /** Cores held now (by running tasks and spinners). */
  get busy(): number {
    return this.cores.used
  }

  /** Whether work is slowed down by other busy cores (the model has a contention curve). */
  get contended(): boolean {
    return this.slowdownByBusy !== null
  }

  /** The progress clock now: uncontended ns of work one busy core has done since time 0. */
  mark(): number {
    return this.markAt(this.env.now)
  }

  /** The progress clock at `atNs` (now or later) if the busy count does not change before then. */
  markAt(atNs: Ns): number {
    const table = this.slowdownByBusy
    if (table === null) return atNs
    return this.markNs + (atNs - this.markAtNs) / table[this.cores.used]!
  }

  /** Wall ns that `workNs` of uncontended work takes at the current speed (≥ 1, whole ns). */
  delayFor(workNs: number): Ns {
    const table = this.slowdownByBusy
    if (table === null) return workNs
    return Math.max(1, Math.ceil(workNs * table[this.cores.used]! - 1e-6))
  }

  /** Work left (uncontended ns) before progress reaches `targetMark`; 0 once it has (within ½ ns). */
  workLeft(targetMark: number): number {
    return this.workLeftAt(targetMark, this.env.now)
  }

  /** workLeft as it will be at `atNs` if the busy count does not change before then. */
  workLeftAt(targetMark: number, atNs: Ns): number {
    const left = targetMark - this.markAt(atNs)
    return left > 0.5 ? left : 0
  }

  /** Brings the progress clock up to now before the busy count changes. */
  private advanceMark(): void {
    if (this.slowdownByBusy === null) return
    this.markNs = this.mark()
    this.markAtNs = this.env.now
  }

  /**
   * A holder passes `count` release + re-acquire pairs at `fromNs`, `fromNs + stepNs`, ... with
   * nobody waiting and nothing else happening (rwsem.ts passQuietBoundaries): the busy count
   * stays the same, and the progress clock is brought through those instants with the same
   * floating-point steps the pairs would have taken, so later figures match bit for bit.
   * The last instant may lie ahead of now; nothing reads the clock before it.
   */
  replayReacquisitions(fromNs: Ns, stepNs: Ns, count: number): void {
    const table = this.slowdownByBusy
    if (table === null) return
    const slowdown = table[this.cores.used]!
    for (let i = 0; i < count; i++) {
      const at = fromNs + i * stepNs
      this.markNs = this.markNs + (at - this.markAtNs) / slowdown
      this.markAtNs = at
    }
  }

  /** null when a core was free and is now held; otherwise an event that fires with one. */
  acquire(): ReturnType<FifoResource['acquire']> {
    this.advanceMark()
    return this.cores.acquire()
  }

  /** A task whose quantum ran out queues again, behind every task that asked for a core meanwhile. */
  acquireBehind(): ReturnType<FifoResource['acquire']> {
    this.advanceMark()
    return this.cores.acquireBehind()
  }

  /** acquire for a caller that is an event itself: true when it holds a core now; else it is triggered when handed one (FifoResource.acquireFor). */
  acquireFor(grantee: SimEvent<unknown>): boolean {
    this.advanceMark()
    return this.cores.acquireFor(grantee)
  }

  /** acquireBehind with the caller as its own grant event. */
  acquireBehindFor(grantee: SimEvent<unknown>): boolean {
    this.advanceMark()
    return this.cores.acquireBehindFor(grantee)
  }

  release(): void {
    this.advanceMark()
    this.cores.release()
  }

  /**
   * Runs `ns` of work on a core, waiting FIFO for one if all are busy, then sleeps `thenAsleepNs`
   * holding none (the runtime waiting for its child, say). Yield the returned event.
   */
  run(ns: Ns, thenAsleepNs: Ns = 0): SimEvent<unknown> {
    return new CpuBurst(this.env, this, ns, thenAsleepNs).start()
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
class CpuBurst extends SimEvent<unknown> {
  private readonly cpus: Cpus
  /** Uncontended work still to do after the slice that is running now. */
  private laterNs: Ns
  /** Sleep still to do once the work is done; -1 once it is scheduled. */
  private asleepNs: Ns
  /** Progress mark at which the work is done, under CPU contention; -1 otherwise or once done. */
  private targetMark = -1
  /** Queued for a core: the next fire is the hand-over of one, not the end of work (Cpus.acquireFor). */
  private waitingForCore = false

  constructor(env: Environment, cpus: Cpus, ns: Ns, asleepNs: Ns) {
    super(env)
    this.cpus = cpus
    this.laterNs = ns
    this.asleepNs = asleepNs
  }

  start(): this {
    if (this.cpus.acquireFor(this)) this.work()
    else this.waitingForCore = true
    return this
  }

  /** @internal A core was handed over, or the work is done (or the sleep after it). */
  override fire(): void {
    if (this.waitingForCore) {
      this.waitingForCore = false
      this.state = PENDING
      this.work()
      return
    }
    if (this.targetMark >= 0) {
      const left = this.cpus.workLeft(this.targetMark)
      if (left > 0) {
        // Other cores got busy meanwhile: the work is not done yet at the lower speed.
        this.state = PENDING
        this.env.schedule(this, this.cpus.delayFor(left), NORMAL)
        return
      }
      this.targetMark = -1
    }
    if (this.laterNs > 0) {
      // End of a quantum: the tick preempts us if another task waits for a core.
      if (this.cpus.runQueue > 0) {
        this.state = PENDING
        this.cpus.release()
        if (this.cpus.acquireBehindFor(this)) this.work()
        else this.waitingForCore = true
      } else {
        this.state = PENDING
        this.workOn()
      }
      return
    }
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
    this.workAt(this.env.now)
  }

  /**
   * A quantum ended and nobody waits for a core: the tick gives the core back to us. Every later
   * quantum boundary before the next scheduled event (engine peek) is the same no-op, since
   * nothing else happens until then, so those quanta run on without an event each; the last
   * one is scheduled from its start, with the progress-clock arithmetic each would have done.
   * Exact: the same seed gives the same numbers (test/sim/equivalence.test.ts).
   */
  private workOn(): void {
    const cpus = this.cpus
    const now = this.env.now
    const nextNs = this.env.peek()
    let atNs = now
    if (nextNs > now) {
      for (;;) {
        const ns = Math.min(this.laterNs, cpus.quantumNs)
        if (!(this.laterNs - ns > 0)) break // the last piece is scheduled for real
        let endNs = atNs + ns
        if (cpus.contended) {
          endNs = atNs + cpus.delayFor(ns)
          if (cpus.workLeftAt(cpus.markAt(atNs) + ns, endNs) > 0) break
        }
        if (!(endNs < nextNs)) break
        this.laterNs -= ns
        atNs = endNs
      }
    }
    this.workAt(atNs)
  }

  /** Starts the next slice at `atNs` (now, or a later quantum boundary nobody can observe). */
  private workAt(atNs: Ns): void {
    const ns = Math.min(this.laterNs, this.cpus.quantumNs)
    this.laterNs -= ns
    const startsIn = atNs - this.env.now
    if (ns > 0) {
      if (!Number.isInteger(ns)) throw new RangeError(`Cpus.run: work must be a whole number of ns, got ${ns}`)
      if (this.cpus.contended) {
        this.targetMark = this.cpus.markAt(atNs) + ns
        this.env.schedule(this, startsIn + this.cpus.delayFor(ns), NORMAL)
      } else {
        this.env.schedule(this, startsIn + ns, NORMAL)
      }
    } else {
      this.fire()
    }
  }
}
