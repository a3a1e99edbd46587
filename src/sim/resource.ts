import type {Environment, Ns, SimEvent} from './engine.js'
import {Fifo} from './fifo.js'

/**
 * A resource with `capacity` identical units served first come, first served (SimPy's
 * `Resource`). Used for CPU cores and for plain mutexes such as the nullfs root inode lock.
 * Busy time is integrated so utilisation can be reported.
 */
export class FifoResource {
  private inUse = 0
  private readonly waiters = new Fifo<SimEvent<unknown>>()
  /** Requests that yield to every plain request (a preempted CPU hog queueing again). */
  private readonly behind = new Fifo<SimEvent<unknown>>()
  private busyUnitNs = 0
  private lastChangeNs: Ns
  private readonly env: Environment
  readonly capacity: number

  constructor(env: Environment, capacity: number) {
    this.env = env
    this.capacity = capacity
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`FifoResource: capacity must be a positive integer, got ${capacity}`)
    this.lastChangeNs = env.now
  }

  /** Units held right now. */
  get used(): number {
    return this.inUse
  }

  /** Requests waiting for a unit. */
  get queued(): number {
    return this.waiters.length + this.behind.length
  }

  /**
   * Takes a unit at once and returns null, or returns an event that fires when a unit has been
   * handed over. Returning null on the fast path saves an event per uncontended request.
   */
  acquire(): SimEvent<unknown> | null {
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      this.account()
      this.inUse++
      return null
    }
    const granted = this.env.event<unknown>()
    this.waiters.push(granted)
    return granted
  }

  /**
   * Takes a unit at once (true), or queues `grantee` (false), a pending event that is triggered
   * (`succeed`) when a unit is handed over to it: a caller that is an event itself (a lock
   * section, a CPU burst) waits as its own grant, with no event allocated per wait.
   */
  acquireFor(grantee: SimEvent<unknown>): boolean {
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      this.account()
      this.inUse++
      return true
    }
    this.waiters.push(grantee)
    return false
  }

  /**
   * Like acquire, but every plain request made before the unit frees up goes first: a task whose
   * time slice ran out queues behind tasks that just woke up, as EEVDF gives a task that used its
   * slice a later deadline than a freshly woken one.
   */
  acquireBehind(): SimEvent<unknown> | null {
    if (this.inUse < this.capacity && this.waiters.length === 0 && this.behind.length === 0) {
      this.account()
      this.inUse++
      return null
    }
    const granted = this.env.event<unknown>()
    this.behind.push(granted)
    return granted
  }

  /** acquireBehind with the caller as its own grant event (see acquireFor). */
  acquireBehindFor(grantee: SimEvent<unknown>): boolean {
    if (this.inUse < this.capacity && this.waiters.length === 0 && this.behind.length === 0) {
      this.account()
      this.inUse++
      return true
    }
    this.behind.push(grantee)
    return false
  }

  /** Always an event (SimPy's `request`), for callers that do not care about the fast path. */
  request(): SimEvent<unknown> {
    const granted = this.acquire()
    return granted ?? this.env.event<unknown>().succeed()
  }

  /** Returns a unit; the head waiter, if any, gets it directly (FIFO, no barging). */
  release(): void {
    if (this.inUse === 0) throw new Error('FifoResource.release: nothing is held')
    const next = this.waiters.shift() ?? this.behind.shift()
    if (next !== undefined) {
      next.succeed()
      return
    }
    this.account()
    this.inUse--
  }

  /** Unit-nanoseconds held so far (divide by capacity × elapsed for utilisation). */
  busyNs(): number {
    return this.busyUnitNs + this.inUse * (this.env.now - this.lastChangeNs)
  }

  private account(): void {
    const now = this.env.now
    this.busyUnitNs += this.inUse * (now - this.lastChangeNs)
    this.lastChangeNs = now
  }
}
