import type {Environment, SimEvent} from './engine.js'
import type {Sampler} from '../model/distributions.js'

/**
 * Expedited RCU grace periods (synchronize_rcu_expedited after namespace_unlock when mounts were
 * detached). A caller needs a whole grace period that starts after its call: one arriving while
 * a grace period runs waits for the next, and every caller arriving during that time shares the
 * next one (rcu_exp_gp_seq_snap: concurrent callers are batched onto one grace period);
 * callers at the instant one starts share it.
 */
export class RcuGracePeriods {
  private running = false
  private currentDone: SimEvent<unknown> | null = null
  private startedNs = -1
  private nextDone: SimEvent<unknown> | null = null
  private count = 0

  private readonly env: Environment
  private readonly duration: Sampler

  constructor(env: Environment, duration: Sampler) {
    this.env = env
    this.duration = duration
  }

  /** Grace periods run so far. */
  get gracePeriods(): number {
    return this.count
  }

  /** An event that fires when a full grace period started at or after now has ended. */
  synchronize(): SimEvent<unknown> {
    if (!this.running) {
      const done = this.env.event<unknown>()
      this.start(done)
      return done
    }
    // Callers at the very instant a grace period starts took their snapshot before it began.
    if (this.env.now === this.startedNs) return this.currentDone!
    this.nextDone ??= this.env.event<unknown>()
    return this.nextDone
  }

  private start(done: SimEvent<unknown>): void {
    this.running = true
    this.currentDone = done
    this.startedNs = this.env.now
    this.count++
    const end = this.env.timeout(this.duration())
    end.addCallback(() => {
      this.running = false
      done.succeed()
      const next = this.nextDone
      if (next !== null) {
        this.nextDone = null
        this.start(next)
      }
    })
  }
}
