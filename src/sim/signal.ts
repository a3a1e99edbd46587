import type {Environment, SimEvent} from './engine.js'

/**
 * A broadcast notification: everyone waiting gets the next `notify()`. Notifications with no one
 * waiting are counted but do not queue up (like an edge-triggered poll on /proc/self/mountinfo).
 */
export class Signal {
  private pending: SimEvent<unknown> | null = null
  private readonly env: Environment
  /** Notifications so far. */
  count = 0

  constructor(env: Environment) {
    this.env = env
  }

  /** An event that fires at the next notification. */
  wait(): SimEvent<unknown> {
    this.pending ??= this.env.event<unknown>()
    return this.pending
  }

  notify(): void {
    this.count++
    const p = this.pending
    if (p === null) return
    this.pending = null
    p.succeed()
  }
}
