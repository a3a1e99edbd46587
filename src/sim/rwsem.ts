import {PROCESSED, type Environment, type Ns, type ProcessGenerator, type SimEvent} from './engine.js'
import type {Cpus} from './cpus.js'
import {Fifo} from './fifo.js'
import {LockSection, type SectionCost} from './section.js'
import {NOT_WAITING, SLEEP, SPIN, WAIT_CPU, WAKE_CPU, type LockUser, type Waiter} from './lock-user.js'
import type {Sampler} from '../model/distributions.js'

/**
 * namespace_sem (fs/namespace.c): the global rw-semaphore every mount-topology change takes for
 * write and every mountinfo chunk takes for read. The rules are those of kernel/locking/rwsem.c
 * as summarised in docs/model.md "The rw-semaphore rules":
 *
 * 1. Reader fast path only when no writer holds it and nobody is queued; a reader arriving while
 *    other readers hold it and waiters exist queues. A reader may steal a free lock while the
 *    woken waiter has not run yet (rwsem_down_read_slowpath "reader optimistic lock stealing").
 * 2. A writer that cannot take it spins on its CPU while the owner is a running writer
 *    (rwsem_optimistic_spin / rwsem_spin_on_owner) and may take it ahead of sleeping waiters
 *    (rwsem_try_write_lock_unqueued); otherwise it queues FIFO and sleeps, holding no CPU.
 * 3. On release: a writer at the head is woken alone and pays the wake-up latency before it can
 *    take the lock; a reader at the head makes ALL queued readers owners at once, including
 *    those behind writers (rwsem_mark_wake).
 * 4. Once the head waiter has waited `handoffNs` (RWSEM_WAIT_TIMEOUT), nobody may jump it
 *    (RWSEM_FLAG_HANDOFF): no stealing, no spinning takeover.
 * 5. Wake-up latency is sampled from the model.
 *
 * A task holds a CPU from its lock attempt to its release (the syscall runs on it), so a writer
 * owner is "running" unless it explicitly sleeps while holding (`sleepHolding`).
 */
export type TraceAction = 'acquire' | 'release' | 'spin' | 'queue' | 'wake' | 'sleep'
export type TraceEntry = [name: string, action: TraceAction, atNs: Ns]

export interface RwsemOptions {
  /** Handoff timeout: rwsemHandoffNs(model.kernel.hz). */
  handoffNs: Ns
  /** Time from up_write/up_read to a woken sleeper running. */
  wakeLatency: Sampler
  /** Writer optimistic spinning (CONFIG_RWSEM_SPIN_ON_OWNER); on by default. */
  spinning?: boolean
  /** Receives every state change, for trace tests and debugging. */
  trace?: (entry: TraceEntry) => void
  /**
   * Opt-in (Scenario.sectionsKeepCore): a task keeps its core between the back-to-back sections
   * of one step (`writeEach`/`readEach`) instead of queueing for a core again after each.
   */
  keepCoreBetweenSections?: boolean
}

export interface RwsemStats {
  /** Time the lock was held for write. */
  writeHoldNs: number
  /** Time the lock was held by at least one reader. */
  readHoldNs: number
  /** Sum over acquisitions of arrival → ownership. */
  waitNs: number
  /** Sum over writers of time spent spinning (a CPU burnt each). */
  spinNs: number
  /** (writeHoldNs + readHoldNs) / elapsed. */
  utilization: number
  acquisitions: number
  writeAcquisitions: number
  readAcquisitions: number
}

const GRANTED = 1
const STOP_SPINNING = 2

export class RwSemaphore {
  private writer: LockUser | null = null
  private ownerRunning = false
  private readers = 0
  /** The FIFO wait list. Readers granted from the middle stay in it, marked removed. */
  private readonly queue = new Fifo<Waiter>()
  /** Queued readers, in order: rwsem_mark_wake grants them all without walking the writers. */
  private queuedReaders: Waiter[] = []
  /** Live (not removed) waiters. */
  private waiting = 0
  /** Writers spinning on a running owner, first come first: each section is its own wake-up event (section.ts). */
  private readonly spinners = new Fifo<LockSection>()
  private readonly handoffNs: Ns
  private readonly wakeLatency: Sampler
  private readonly spinning: boolean
  private readonly trace: ((entry: TraceEntry) => void) | undefined
  /** @internal RwsemOptions.keepCoreBetweenSections. */
  readonly keepsCore: boolean
  private readonly startNs: Ns
  private writeSinceNs = 0
  private readSinceNs = 0
  private writeHoldNs = 0
  private readHoldNs = 0
  private waitNs = 0
  private spinNs = 0
  private writeAcquisitions = 0
  private readAcquisitions = 0

  private readonly env: Environment
  private readonly cpus: Cpus

  constructor(env: Environment, cpus: Cpus, options: RwsemOptions) {
    this.env = env
    this.cpus = cpus
    this.handoffNs = options.handoffNs
    this.wakeLatency = options.wakeLatency
    this.spinning = options.spinning ?? true
    this.trace = options.trace
    this.keepsCore = options.keepCoreBetweenSections ?? false
    this.startNs = env.now
  }

  /**
   * One write section: take the lock for write, hold it `cost` ns (a function is evaluated once
   * the lock is held), release. Yield the returned event; it fires after the release.
   */
  write(user: LockUser, cost: SectionCost): SimEvent<unknown> {
    return this.writeEach(user, 1, cost)
  }

  /** `count` write sections back to back (one per mount, say); count 0: nothing to do. */
  writeEach(user: LockUser, count: number, cost: SectionCost): SimEvent<unknown> {
    return this.sections(user, true, count, cost)
  }

  /** One read section (one mountinfo chunk, say). Yield the returned event. */
  read(user: LockUser, cost: SectionCost): SimEvent<unknown> {
    return this.readEach(user, 1, cost)
  }

  /** `count` read sections back to back (the chunks of one mountinfo read). */
  readEach(user: LockUser, count: number, cost: SectionCost): SimEvent<unknown> {
    return this.sections(user, false, count, cost)
  }

  /** @internal The node's cores: a section's hold is CPU work on the holder's core (section.ts). */
  get cores(): Cpus {
    return this.cpus
  }

  /** @internal Requests the lock for a section's next hold (section.ts); `hasCore`: the task kept its core from the previous one. */
  enter(section: LockSection, hasCore = false): void {
    const user = section.user
    // Uncontended fast paths inline: nothing allocated (most sections at low load).
    const running = hasCore || this.cpus.acquireFor(section)
    if (section.forWrite) {
      if (running && this.isFree() && this.waiting === 0) {
        this.grantWrite(user, this.env.now)
        section.holdNow()
      } else {
        this.writeSlow(section, running)
      }
    } else if (running && this.writer === null && this.waiting === 0) {
      this.grantRead(user, this.env.now)
      section.holdNow()
    } else {
      this.readSlow(section, running)
    }
  }

  private sections(user: LockUser, forWrite: boolean, count: number, cost: SectionCost | null): SimEvent<unknown> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`RwSemaphore: section count must be a non-negative integer, got ${count}`)
    if (count === 0) return this.env.processedEvent()
    // The user's previous section, once processed, is reused (LockSection.reuse); a user with
    // another section still in flight (several processes sharing one task) gets a new one.
    const spare = user.spareSection
    let section: LockSection
    if (spare instanceof LockSection && spare.state === PROCESSED && spare.takes(this)) {
      section = spare.reuse(forWrite, cost, count)
    } else {
      section = new LockSection(this.env, this, user, forWrite, cost, count)
      user.spareSection = section
    }
    this.enter(section)
    return section
  }

  /** down_write: returns holding the lock and a CPU (release with releaseWrite). */
  *acquireWrite(user: LockUser): ProcessGenerator {
    const section = new LockSection(this.env, this, user, true, null, 1)
    this.writeSlow(section, this.cpus.acquireFor(section))
    yield section
  }

  /**
   * down_write's slow path (rwsem_down_write_slowpath) for a section, as a state machine driven
   * by the events it waits on (continueWrite): contended acquisitions are the common case under
   * load, and a generator per acquisition cost more than the rest of the section.
   *
   * `running`: the task holds a core (false: it is queued for one, and the section itself is
   * triggered when one is handed over, Cpus.acquireFor). Waiting for the lock starts once the
   * task runs and calls down_write: a runnable task waiting for a core is CPU contention, not
   * lock contention. A woken waiter's wait for a core does count.
   */
  private writeSlow(s: LockSection, running: boolean): void {
    if (running) this.writeArrive(s)
    else s.phase = WAIT_CPU
  }

  /** @internal The event section `s` waited on in its current phase fired with `value`. */
  continueWrite(s: LockSection, value: unknown): void {
    switch (s.phase) {
      case WAIT_CPU:
        this.writeArrive(s)
        return
      case SPIN:
        this.spinNs += this.env.now - s.spinSinceNs
        if (value === GRANTED)
          this.writeAcquired(s) // ownership was handed over on release (see onFree)
        else this.writeSleep(s)
        return
      case SLEEP:
        if (this.cpus.acquireFor(s)) this.writeWoken(s)
        else s.phase = WAKE_CPU
        return
      case WAKE_CPU:
        this.writeWoken(s)
        return
      default:
        throw new Error(`RwSemaphore: section of ${s.user.name} resumed while not waiting`)
    }
  }

  /** The task runs and calls down_write: take it, spin on a running writer owner, or sleep. */
  private writeArrive(s: LockSection): void {
    const user = s.user
    const arrivedNs = this.env.now
    s.arrivedNs = arrivedNs
    if (this.isFree() && !this.handoffBlocks()) {
      this.grantWrite(user, arrivedNs)
      this.writeAcquired(s)
      return
    }
    if (this.spinning && this.writer !== null && this.ownerRunning && !this.handoffBlocks()) {
      // The section is its own event for the outcome (section.ts fire, phase SPIN): no spinner
      // object and no event allocated per spin (millions in an analyze run).
      this.spinners.push(s)
      this.log(user, 'spin')
      s.spinSinceNs = arrivedNs
      s.phase = SPIN
      return
    }
    this.writeSleep(s)
  }

  /** Queue FIFO and sleep, giving up the core. */
  private writeSleep(s: LockSection): void {
    this.cpus.release()
    const waiter = this.waiterFor(s, s.arrivedNs)
    s.sleeper = waiter
    s.phase = SLEEP
    this.enqueue(waiter)
  }

  /** Woken and running again: take the lock, or go back to sleep still first in line. */
  private writeWoken(s: LockSection): void {
    const waiter = s.sleeper!
    const user = s.user
    this.log(user, 'wake')
    if (this.isFree()) {
      // Only the head is ever woken, so the woken writer leaves from the front.
      if (this.head() !== waiter) throw new Error(`RwSemaphore: woken writer ${user.name} is not the head waiter`)
      this.queue.shift()
      waiter.inQueue = false
      this.waiting--
      this.grantWrite(user, waiter.arrivedNs)
      s.sleeper = null
      this.writeAcquired(s)
      return
    }
    // Someone stole it while we were waking up: back to sleep, still first in line.
    this.cpus.release()
    waiter.woken = false
    this.log(user, 'sleep')
    s.phase = SLEEP // still its own wake-up event (waiter.event === s)
  }

  /** The section holds the lock (for write or read) and a core: its hold starts now. */
  private writeAcquired(s: LockSection): void {
    s.phase = NOT_WAITING
    s.holdNow()
  }

  /** up_write: releases the lock and the CPU (`keepCore`: only the lock, another section follows). */
  releaseWrite(user: LockUser, keepCore = false): void {
    if (this.writer !== user) throw new Error(`RwSemaphore.releaseWrite: ${user.name} does not hold the lock for write`)
    this.writer = null
    this.writeHoldNs += this.env.now - this.writeSinceNs
    this.endHold(user)
    if (!keepCore) this.cpus.release()
    this.onFree()
  }

  /** down_read: returns holding the lock for read and a CPU (release with releaseRead). */
  *acquireRead(user: LockUser): ProcessGenerator {
    const section = new LockSection(this.env, this, user, false, null, 1)
    this.readSlow(section, this.cpus.acquireFor(section))
    yield section
  }

  /**
   * down_read's slow path (rwsem_down_read_slowpath) for a section, a state machine like
   * writeSlow's (continueRead): under load most read chunks take it, and a generator per chunk
   * was the largest allocation of a contended run. `running` as in writeSlow.
   */
  private readSlow(s: LockSection, running: boolean): void {
    if (running) this.readArrive(s)
    else s.phase = WAIT_CPU
  }

  /** @internal The event read section `s` waited on in its current phase fired. */
  continueRead(s: LockSection): void {
    switch (s.phase) {
      case WAIT_CPU:
        this.readArrive(s)
        return
      case SLEEP:
        // We are an owner once this fires (granted, then woken); now run again.
        if (this.cpus.acquireFor(s)) this.writeAcquired(s)
        else s.phase = WAKE_CPU
        return
      case WAKE_CPU:
        this.writeAcquired(s)
        return
      default:
        throw new Error(`RwSemaphore: read section of ${s.user.name} resumed while not waiting`)
    }
  }

  /** The task runs and calls down_read: take it, steal it, or queue and sleep. */
  private readArrive(s: LockSection): void {
    const user = s.user
    const arrivedNs = this.env.now
    if (this.writer === null) {
      if (this.waiting === 0) {
        this.grantRead(user, arrivedNs)
        this.writeAcquired(s)
        return
      }
      if (this.readers === 0 && !this.handoffBlocks()) {
        // Free but a woken waiter has not run yet: the reader steals it, and as the first reader
        // wakes the readers queued at the head (rwsem_mark_wake with RWSEM_WAKE_READ_OWNED).
        this.grantRead(user, arrivedNs)
        if (this.head()?.kind === 'read') this.grantQueuedReaders()
        this.writeAcquired(s)
        return
      }
    }
    this.cpus.release()
    const waiter = this.waiterFor(s, arrivedNs)
    s.phase = SLEEP
    this.enqueue(waiter)
  }

  /**
   * @internal A holder of `cost`-ns sections with `left` more to run is at the end of one (now).
   * At a boundary where nobody waits for a core or for the lock, no writer spins and nobody
   * traces, up + down is a no-op: the core and the lock are taken again at once, and nothing
   * but time changes until the next scheduled event (engine peek). So every boundary from now
   * until just before that event passes without an event: returns how many more sections run
   * back to back from now (0: none, take this boundary the ordinary way), after counting their
   * acquisitions and bringing the cores' progress clock through the skipped boundaries with the
   * same arithmetic the releases and re-acquisitions would have done (cpus.ts). Holds, waits
   * and busy time are integer ns, so their sums come out the same without the splits. Exact:
   * the same seed gives the same numbers (test/sim/equivalence.test.ts).
   */
  passQuietBoundaries(user: LockUser, forWrite: boolean, left: number, cost: Ns): number {
    // A task that keeps its core between sections is not affected by tasks waiting for one.
    if (this.waiting !== 0 || this.spinners.length !== 0 || this.trace !== undefined || (!this.keepsCore && this.cpus.runQueue !== 0)) return 0
    const now = this.env.now
    const nextNs = this.env.peek()
    if (!(nextNs > now)) return 0 // more happens at this instant: take the boundary as it comes
    // Boundaries now + i·cost (i = 0..skipped) are passed; the last chunk fires at now + chunks·cost.
    const later = nextNs === Infinity ? left - 1 : Math.min(left - 1, Math.ceil((nextNs - now) / cost) - 1)
    const chunks = later + 1
    if (forWrite) {
      if (this.writer !== user) throw new Error(`RwSemaphore: ${user.name} passes a write boundary without holding the lock`)
      this.writeAcquisitions += chunks
    } else {
      this.readAcquisitions += chunks
    }
    if (!this.keepsCore) this.cpus.replayReacquisitions(now, cost, chunks)
    return chunks
  }

  /** up_read: releases a read hold and the CPU (`keepCore`: only the lock, another section follows). */
  releaseRead(user: LockUser, keepCore = false): void {
    if (this.readers === 0 || !((user.heldSinceNs ?? -1) >= 0)) throw new Error(`RwSemaphore.releaseRead: ${user.name} does not hold the lock for read`)
    this.readers--
    this.endHold(user)
    if (!keepCore) this.cpus.release()
    if (this.readers === 0) {
      this.readHoldNs += this.env.now - this.readSinceNs
      this.onFree()
    }
  }

  /**
   * The write owner sleeps `ns` while holding the lock (gives up its CPU): spinners see an owner
   * that is not running and go to sleep (rwsem_spin_on_owner → OWNER_NONSPINNABLE).
   */
  *sleepHolding(user: LockUser, ns: Ns): ProcessGenerator {
    if (this.writer !== user) throw new Error(`RwSemaphore.sleepHolding: ${user.name} does not hold the lock for write`)
    this.ownerRunning = false
    this.cpus.release()
    this.stopSpinners()
    yield this.env.timeout(ns)
    const cpu = this.cpus.acquire()
    if (cpu !== null) yield cpu
    this.ownerRunning = true
  }

  stats(): RwsemStats {
    const now = this.env.now
    const writeHoldNs = this.writeHoldNs + (this.writer !== null ? now - this.writeSinceNs : 0)
    const readHoldNs = this.readHoldNs + (this.readers > 0 ? now - this.readSinceNs : 0)
    const elapsed = now - this.startNs
    return {
      writeHoldNs,
      readHoldNs,
      waitNs: this.waitNs,
      spinNs: this.spinNs,
      utilization: elapsed > 0 ? (writeHoldNs + readHoldNs) / elapsed : 0,
      acquisitions: this.writeAcquisitions + this.readAcquisitions,
      writeAcquisitions: this.writeAcquisitions,
      readAcquisitions: this.readAcquisitions,
    }
  }

  /** Names of queued sleepers, head first (for tests). */
  queuedNames(): string[] {
    return this.queue
      .toArray()
      .filter((w) => !w.removed)
      .map((w) => w.user.name)
  }

  private isFree(): boolean {
    return this.writer === null && this.readers === 0
  }

  /** Rule 4: the head waiter has waited long enough to forbid lock stealing. */
  private handoffBlocks(): boolean {
    const head = this.head()
    return head !== undefined && this.env.now - head.queuedNs >= this.handoffNs
  }

  /** The first live waiter (drops readers already granted from the middle). */
  private head(): Waiter | undefined {
    let h = this.queue.peek()
    while (h !== undefined && h.removed) {
      this.queue.shift()
      h.inQueue = false
      h = this.queue.peek()
    }
    return h
  }

  /**
   * The wait-list entry for section `s` going to sleep now: the one it slept in last time when that
   * has left the list (a section of several chunks sleeps again and again: millions of entries in
   * an analyze run), else a new one. The section is its own wake-up event (section.ts fire, phase SLEEP).
   */
  private waiterFor(s: LockSection, arrivedNs: Ns): Waiter {
    const last = s.lastWaiter
    if (last !== null && !last.inQueue) {
      // A reused section may be a read after a write (LockSection.reuse).
      last.kind = s.forWrite ? 'write' : 'read'
      last.arrivedNs = arrivedNs
      last.queuedNs = this.env.now
      last.woken = false
      last.removed = false
      return last
    }
    const waiter: Waiter = {
      user: s.user,
      kind: s.forWrite ? 'write' : 'read',
      arrivedNs,
      queuedNs: this.env.now,
      event: s,
      woken: false,
      removed: false,
      inQueue: false,
    }
    s.lastWaiter = waiter
    return waiter
  }

  private enqueue(waiter: Waiter): void {
    waiter.inQueue = true
    this.queue.push(waiter)
    this.waiting++
    if (waiter.kind === 'read') this.queuedReaders.push(waiter)
    this.log(waiter.user, 'queue')
    // rwsem_cond_wake_waiter: queueing behind a lock that is free or only read-held may wake the head.
    if (this.writer !== null) return
    if (this.readers > 0) {
      if (this.head()?.kind === 'read') this.grantQueuedReaders()
    } else {
      this.wakeHead()
    }
  }

  /** The lock just became free (rwsem_wake): spinners first, else the head of the queue. */
  private onFree(): void {
    if (this.spinners.length > 0 && !this.handoffBlocks()) {
      const spinner = this.spinners.shift()!
      this.grantWrite(spinner.user, spinner.arrivedNs)
      spinner.spinOutcome = GRANTED
      spinner.succeed()
      return
    }
    this.stopSpinners()
    this.wakeHead()
  }

  private wakeHead(): void {
    const head = this.head()
    if (head === undefined) return
    if (head.kind === 'read') {
      this.grantQueuedReaders()
      this.stopSpinners()
    } else if (!head.woken) {
      head.woken = true
      head.event.succeedIn(this.wakeLatency())
    }
  }

  /** rwsem_mark_wake for a reader at the head: every queued reader becomes an owner now. */
  private grantQueuedReaders(): void {
    const readers = this.queuedReaders
    this.queuedReaders = []
    this.waiting -= readers.length
    for (const r of readers) {
      r.removed = true
      this.grantRead(r.user, r.arrivedNs)
      r.woken = true
      r.event.succeedIn(this.wakeLatency())
    }
  }

  private grantWrite(user: LockUser, arrivedNs: Ns): void {
    this.writer = user
    this.ownerRunning = true
    this.writeSinceNs = this.env.now
    this.writeAcquisitions++
    this.beginHold(user, arrivedNs)
  }

  private grantRead(user: LockUser, arrivedNs: Ns): void {
    if (this.readers === 0) this.readSinceNs = this.env.now
    this.readers++
    this.readAcquisitions++
    this.beginHold(user, arrivedNs)
  }

  private beginHold(user: LockUser, arrivedNs: Ns): void {
    const now = this.env.now
    const waited = now - arrivedNs
    this.waitNs += waited
    user.waitNs += waited
    user.heldSinceNs = now
    this.log(user, 'acquire')
  }

  private endHold(user: LockUser): void {
    user.holdNs += this.env.now - user.heldSinceNs!
    user.heldSinceNs = -1
    this.log(user, 'release')
  }

  /** Spinners give up (owner is a reader, not running, or a handoff is pending) and will queue. */
  private stopSpinners(): void {
    while (this.spinners.length > 0) {
      const spinner = this.spinners.shift()!
      spinner.spinOutcome = STOP_SPINNING
      spinner.succeed()
    }
  }

  private log(user: LockUser, action: TraceAction): void {
    if (this.trace !== undefined) this.trace([user.name, action, this.env.now])
  }
}
