import {EventQueue} from './event-queue.js'

/**
 * A discrete-event engine in the shape of SimPy (core.py, events.py): an `Environment` with the
 * four verbs schedule / peek / step / run, events with callbacks, and processes written as
 * generator functions that `yield` events and compose sub-steps with `yield*`. Hot operations
 * (lock sections, CPU bursts) are events themselves rather than sub-generators (section.ts).
 *
 * Time is integer nanoseconds. There is no global state: each simulation owns its environment.
 */
export type Ns = number

/** Priorities at equal times: URGENT (process starts) before NORMAL (everything else). */
export const URGENT = 0
export const NORMAL = 1

/** @internal Event states (SimEvent.state). */
export const PENDING = 0
export const TRIGGERED = 1
export const PROCESSED = 2

export type Callback = (event: SimEvent<unknown>) => void

/**
 * @internal Something resumed directly when an event it waits on fires: a process, or a lock
 * section driving its slow path (section.ts). No callback closure per wait (hot path).
 */
export interface Resumable {
  resume(event: SimEvent<unknown>): void
}

type Waiter = Callback | Resumable

/** What a process yields. Resuming the generator gives back the event's value. */
export type ProcessGenerator<R = void> = Generator<SimEvent<unknown>, R, unknown>

/**
 * Something that will happen. It is pending until `succeed` (or a timeout) triggers it, which
 * schedules it; when the engine processes it, its callbacks run in the order they were added.
 */
export class SimEvent<T = unknown> {
  value: T | undefined = undefined
  /** @internal 0 pending, 1 triggered (scheduled), 2 processed. */
  state = PENDING
  private waiter: Waiter | null = null
  private moreWaiters: Waiter[] | null = null

  readonly env: Environment

  constructor(env: Environment) {
    this.env = env
  }

  get triggered(): boolean {
    return this.state !== PENDING
  }

  get processed(): boolean {
    return this.state === PROCESSED
  }

  /** Runs `cb` when the event is processed. The event must not have been processed yet. */
  addCallback(cb: Callback): void {
    this.addWaiter(cb)
  }

  /** @internal */
  addWaiter(w: Callback | Resumable): void {
    if (this.state === PROCESSED) throw new Error('SimEvent.addCallback: event already processed')
    if (this.waiter === null) this.waiter = w
    else (this.moreWaiters ??= []).push(w)
  }

  /** Triggers the event now; it is processed after the events already scheduled for this instant. */
  succeed(value?: T, priority: number = NORMAL): this {
    if (this.state !== PENDING) throw new Error('SimEvent.succeed: event already triggered')
    this.value = value
    this.state = TRIGGERED
    this.env.schedule(this, 0, priority)
    return this
  }

  /** Triggers the event to be processed `delayNs` from now (a wake-up after a latency, say). */
  succeedIn(delayNs: Ns, value?: T): this {
    if (this.state !== PENDING) throw new Error('SimEvent.succeedIn: event already triggered')
    this.value = value
    this.state = TRIGGERED
    this.env.schedule(this, delayNs, NORMAL)
    return this
  }

  /**
   * @internal Called by the engine when the event comes off the queue. Subclasses (section.ts)
   * may release what they held before the waiters run; called directly, it processes the event
   * at once without the queue (a zero-length section that ends in the middle of another event).
   */
  fire(): void {
    this.state = PROCESSED
    const w = this.waiter
    if (w === null) return
    this.waiter = null
    notify(w, this as SimEvent<unknown>)
    const more = this.moreWaiters
    if (more !== null) {
      this.moreWaiters = null
      for (const m of more) notify(m, this as SimEvent<unknown>)
    }
  }
}

function notify(w: Waiter, event: SimEvent<unknown>): void {
  if (typeof w === 'function') w(event)
  else w.resume(event)
}

/**
 * A running generator. As an event it fires, with the generator's return value, when the
 * generator returns, so `yield env.process(child())` waits for a child.
 */
export class Process<R = void> extends SimEvent<R> {
  private readonly generator: ProcessGenerator<R>

  constructor(env: Environment, generator: ProcessGenerator<R>) {
    super(env)
    this.generator = generator
    // Start through the queue (URGENT, like SimPy's Initialize) so the creator keeps running first.
    const start = new SimEvent<unknown>(env)
    start.state = TRIGGERED
    start.addWaiter(this as Process<unknown>)
    env.schedule(start, 0, URGENT)
  }

  /** @internal Continues the generator with the value of the event it waited for. */
  resume(event: SimEvent<unknown>): void {
    let value = event.value
    for (;;) {
      const step = this.generator.next(value)
      if (step.done === true) {
        this.succeed(step.value)
        return
      }
      const next = step.value
      // An event that already happened resumes the process at once, as in SimPy.
      if (next.state === PROCESSED) {
        value = next.value
        continue
      }
      next.addWaiter(this as Process<unknown>)
      return
    }
  }
}

export interface EnvironmentOptions {
  /**
   * Count the distinct instants at which events are processed (instantsProcessed), for
   * benchmarks: off by default, because even one comparison per event measurably slows the
   * hot loop (+4.4 % on a closed loop, against +1.2 % between two copies of one build; warm,
   * in one process, 16 alternating pairs, measured 2026-12-01).
   */
  countInstants?: boolean
}

export class Environment {
  private readonly queue: EventQueue<SimEvent<unknown>>
  private nowNs: Ns = 0
  private processedCount = 0
  private instantCount = 0
  /** The instant of the last event processed (NaN before the first). */
  private lastInstantNs = NaN
  /** EnvironmentOptions.countInstants. */
  private readonly countsInstants: boolean

  constructor(initialNs: Ns = 0, options: EnvironmentOptions = {}) {
    this.nowNs = initialNs
    this.countsInstants = options.countInstants ?? false
    this.queue = new EventQueue<SimEvent<unknown>>(1024, initialNs)
  }

  get now(): Ns {
    return this.nowNs
  }

  /** Events processed so far (the engine's unit of work, for events/s figures). */
  get eventsProcessed(): number {
    return this.processedCount
  }

  /**
   * Distinct instants at which events were processed so far, or null unless the environment was
   * made with `countInstants`. Several events at one instant (a release and the hand-over it
   * causes) count once. An engine that processes at least one event at every instant where a
   * task hands a lock or core to another cannot do with fewer events than this (docs/simulate.md
   * "The floor: distinct instants per start").
   */
  get instantsProcessed(): number | null {
    return this.countsInstants ? this.instantCount : null
  }

  /** Puts an event on the queue `delayNs` from now (it counts as triggered from then on). */
  schedule(event: SimEvent<unknown>, delayNs: Ns = 0, priority: number = NORMAL): void {
    if (!(delayNs >= 0)) throw new RangeError(`Environment.schedule: delay must be >= 0 ns, got ${delayNs}`)
    if (event.state === PENDING) event.state = TRIGGERED
    this.queue.push(this.nowNs + delayNs, priority, event)
  }

  /** Time of the next event, or Infinity when nothing is scheduled. */
  peek(): Ns {
    return this.queue.peekTime()
  }

  /** Processes the next event. Throws when there is none. */
  step(): void {
    const event = this.queue.pop()
    if (event === undefined) throw new Error('Environment.step: no scheduled events')
    this.nowNs = this.queue.now
    if (this.countsInstants) this.countInstant()
    this.processedCount++
    event.fire()
  }

  /**
   * Processes events until none are left, or until the clock would reach `untilNs` (events at
   * exactly `untilNs` are left for later, as in SimPy); then the clock reads `untilNs`.
   */
  run(untilNs?: Ns): void {
    if (untilNs === undefined) {
      while (this.queue.size > 0) this.step()
      return
    }
    if (untilNs < this.nowNs) throw new RangeError(`Environment.run: until (${untilNs}) is in the past (${this.nowNs})`)
    while (this.queue.peekTime() < untilNs) this.step()
    this.queue.advanceTo(untilNs)
    this.nowNs = untilNs
  }

  /**
   * Processes events until `event` has been processed (true) or none are left (false): a run
   * that ends with its workload while endless processes (readers) are still scheduled.
   */
  runUntilProcessed(event: SimEvent<unknown>): boolean {
    const queue = this.queue
    // The hot loop of every run; counting instants is a loop of its own, so it costs nothing when off.
    if (this.countsInstants) return this.runUntilProcessedCountingInstants(event)
    while (event.state !== PROCESSED) {
      const next = queue.pop()
      if (next === undefined) return false
      this.nowNs = queue.now
      this.processedCount++
      next.fire()
    }
    return true
  }

  private runUntilProcessedCountingInstants(event: SimEvent<unknown>): boolean {
    const queue = this.queue
    while (event.state !== PROCESSED) {
      const next = queue.pop()
      if (next === undefined) return false
      this.nowNs = queue.now
      this.countInstant()
      this.processedCount++
      next.fire()
    }
    return true
  }

  private countInstant(): void {
    if (this.nowNs !== this.lastInstantNs) {
      this.instantCount++
      this.lastInstantNs = this.nowNs
    }
  }

  /** An event that fires `delayNs` from now (integer ns) with `value`. */
  timeout<T = undefined>(delayNs: Ns, value?: T): SimEvent<T> {
    if (!Number.isInteger(delayNs) || delayNs < 0) throw new RangeError(`Environment.timeout: delay must be a non-negative integer ns, got ${delayNs}`)
    const event = new SimEvent<T>(this)
    event.value = value
    event.state = TRIGGERED
    this.queue.push(this.nowNs + delayNs, NORMAL, event as SimEvent<unknown>)
    return event
  }

  /** An event that has already happened: yielding it continues at once, with no queue entry. */
  processedEvent(): SimEvent<undefined> {
    const event = new SimEvent<undefined>(this)
    event.state = PROCESSED
    return event
  }

  /** A pending event that something else will `succeed`. */
  event<T = unknown>(): SimEvent<T> {
    return new SimEvent<T>(this)
  }

  /** Starts a generator as a process; the returned event fires when it returns. */
  process<R>(generator: ProcessGenerator<R>): Process<R> {
    return new Process<R>(this, generator)
  }
}
