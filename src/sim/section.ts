import {NORMAL, PENDING, PROCESSED, SimEvent, type Environment, type Ns, type Resumable} from './engine.js'
import type {Cpus} from './cpus.js'
import {NOT_WAITING, SLEEP, SPIN, WAIT_CPU, WAKE_CPU, type LockUser, type Waiter} from './lock-user.js'

/** A section's hold time: a number, or a function evaluated once the lock is held. */
export type SectionCost = Ns | (() => Ns)

/** What a section needs from its semaphore (RwSemaphore in rwsem.ts, which imports this file). */
export interface SectionLock {
  readonly cores: Cpus
  /** RwsemOptions.keepCoreBetweenSections. */
  readonly keepsCore: boolean
  enter(section: LockSection, hasCore?: boolean): void
  continueWrite(section: LockSection, value: unknown): void
  continueRead(section: LockSection): void
  passQuietBoundaries(user: LockUser, forWrite: boolean, left: number, cost: Ns): number
  releaseWrite(user: LockUser, keepCore?: boolean): void
  releaseRead(user: LockUser, keepCore?: boolean): void
}

/**
 * One namespace_sem section as one event: down_write (or down_read), hold for `cost`, then
 * up_write (up_read). The process yields it (`yield sem.write(task, ns)`) and goes on once the
 * lock has been released. With `count` > 1 it is that many sections back to back (one per
 * runtime mount, one per mountinfo chunk): each next one is requested the moment the previous
 * one is released, as a script looping over `sem.write` does, and the process resumes once.
 *
 * Why an event and not a nested generator: a container start is ~16 sections and each was a
 * generator object, a `yield*` level every resume passed through, and a timeout event. Here the
 * section is its own timeout: it is scheduled when the hold begins and releases when it fires,
 * before its waiter (the process) runs, exactly where the generator released. Contended
 * acquisitions run the rwsem's slow-path state machines (down_write's, down_read's), driven by
 * this object.
 */
export class LockSection extends SimEvent<unknown> implements Resumable {
  readonly user: LockUser
  /** Write (down_write) or read section; set again when the object is reused (`reuse`). */
  forWrite: boolean
  /** @internal down_write's or down_read's slow path state, kept here so a contended acquisition allocates little (rwsem.ts). */
  phase = NOT_WAITING
  /** @internal */
  arrivedNs = 0
  /** @internal */
  spinSinceNs = 0
  /** @internal How a spin ended (rwsem.ts GRANTED or STOP_SPINNING), read when the section fires in phase SPIN. */
  spinOutcome = 0
  /** @internal */
  sleeper: Waiter | null = null
  /** @internal The wait-list entry this section slept in last; reused once it has left the list (rwsem.ts waiterFor). */
  lastWaiter: Waiter | null = null
  private readonly sem: SectionLock
  /** null: acquire only (down_write without a hold; the caller releases). */
  private cost: SectionCost | null
  /** Sections still to run after the current one. */
  private left: number
  /** Progress mark at which the current hold's CPU work is done, under CPU contention (cpus.ts); -1 otherwise. */
  private targetMark = -1

  constructor(env: Environment, sem: SectionLock, user: LockUser, forWrite: boolean, cost: SectionCost | null, count: number) {
    super(env)
    this.sem = sem
    this.user = user
    this.forWrite = forWrite
    this.cost = cost
    this.left = count - 1
  }

  /**
   * @internal The same object as a new section of the same user (rwsem.ts sections): only once
   * this one has been processed, when nothing holds it any more (its process has been resumed
   * and asked for the next section). A process runs its sections one after another, so a task
   * needs one object, not one per section (millions per analyze run).
   */
  reuse(forWrite: boolean, cost: SectionCost | null, count: number): this {
    if (this.state !== PROCESSED) throw new Error(`LockSection.reuse: the section of ${this.user.name} is still in use`)
    this.state = PENDING
    this.value = undefined
    this.forWrite = forWrite
    this.cost = cost
    this.left = count - 1
    this.phase = NOT_WAITING
    this.targetMark = -1
    this.sleeper = null
    return this
  }

  /** @internal Whether this section takes `sem` (a user's spare section is reused on its own semaphore only). */
  takes(sem: SectionLock): boolean {
    return this.sem === sem
  }

  /** @internal The lock is held already (fast path): the hold starts now. */
  holdNow(): void {
    this.hold()
  }

  /** @internal Called when the event the slow path waits on fires. */
  resume(event: SimEvent<unknown>): void {
    if (this.forWrite) this.sem.continueWrite(this, event.value)
    else this.sem.continueRead(this)
  }

  /**
   * @internal Called when a core is handed over to the section (it waits as its own grant event,
   * Cpus.acquireFor), when it is woken in the wait list (it is its own wake-up event, Waiter.event),
   * when its optimistic spin ends (granted or stopped, `spinOutcome`), or when the hold ends:
   * release first, then the next section or the process.
   */
  override fire(): void {
    const phase = this.phase
    if (phase === WAIT_CPU || phase === WAKE_CPU || phase === SLEEP || phase === SPIN) {
      this.state = PENDING
      if (this.forWrite) this.sem.continueWrite(this, this.spinOutcome)
      else this.sem.continueRead(this)
      return
    }
    if (this.targetMark >= 0) {
      const cpus = this.sem.cores
      const left = cpus.workLeft(this.targetMark)
      if (left > 0) {
        // Other cores got busy during the hold: the holder's work is not done yet.
        this.state = PENDING
        this.env.schedule(this, cpus.delayFor(left), NORMAL)
        return
      }
      this.targetMark = -1
    }
    const cost = this.cost
    if (this.left > 0 && typeof cost === 'number' && cost > 0) {
      // Boundaries nobody can observe are passed without an event each (RwSemaphore.passQuietBoundaries).
      const chunks = this.sem.passQuietBoundaries(this.user, this.forWrite, this.left, cost)
      if (chunks > 0) {
        this.left -= chunks
        this.state = PENDING
        this.env.schedule(this, chunks * cost, NORMAL)
        return
      }
    }
    const keepCore = this.left > 0 && this.sem.keepsCore
    if (this.forWrite) this.sem.releaseWrite(this.user, keepCore)
    else this.sem.releaseRead(this.user, keepCore)
    if (this.left > 0) {
      this.left--
      this.state = PENDING
      this.sem.enter(this, keepCore)
      return
    }
    super.fire()
  }

  private hold(): void {
    const cost = this.cost
    if (cost === null) {
      super.fire() // acquired: the caller holds it from here
      return
    }
    const ns = typeof cost === 'number' ? cost : cost()
    if (ns > 0) {
      if (!Number.isInteger(ns)) throw new RangeError(`RwSemaphore: a section's hold must be a whole number of ns, got ${ns}`)
      // The holder runs on a core, but the hold is not stretched by the cores' contention curve:
      // validate's crun cells show the per-mount part of a start costing no more CPU at C=4 or 16
      // than at C=1 (docs/calibrate.md); the slowdown was measured on fork/exec, the
      // non-mount part, and is applied there (cpus.ts).
      this.env.schedule(this, ns, NORMAL)
    } else {
      this.fire() // nothing to hold: released at once, no event (as a zero-length section always was)
    }
  }
}
