import type {Environment, SimEvent} from './engine.js'
import type {Sampler} from '../model/distributions.js'

/** costs.cgroupSync.afterDetach bound to a node: the longer grace period after a mass detach. */
export interface AfterDetach {
  readonly minMounts: number
  /** By time since the detach: the first band with elapsed < untilNs gives the grace period. */
  readonly bands: readonly {readonly untilNs: number; readonly gp: Sampler}[]
  /** Whether every core is busy now; with both of the measured machine's cores busy the lengthening was mostly gone. */
  readonly allCoresBusy: () => boolean
}

/**
 * The rcu_sync of cgroup_threadgroup_rwsem, as a runtime's cgroup2 mount meets it (Linux 6.18:
 * cgroup_favor_dynmods takes percpu_down_write on every cgroup2 mount in the initial cgroup
 * namespace; docs/calibrate.md, "Where a lone start waits"). rcu_sync_enter sleeps in
 * synchronize_rcu only when the rcu_sync is idle; a writer that left resets it to idle about a
 * grace period later (rcu_sync_exit queues an RCU callback), and every exit in between restarts
 * that delay (GP_REPLAY). So a mount waits `gp` when the previous one on the node left at least
 * `windowNs` ago; mounts arriving while a grace period is being waited for share it (gp_state
 * GP_ENTER: they wait for the same one). The write section itself is microseconds and not charged.
 *
 * A grace period that starts shortly after a detach of thousands of mounts (a legacy start's
 * old-root umount: RCU then frees them) lasts up to twice as long, fading over 60-80 ms, unless
 * every core is busy (docs/calibrate.md, "A grace period after a mass detach is longer"): what
 * lone legacy starts on big mount tables wait. `afterDetach` draws those, by time since the detach.
 */
export class RcuSync {
  private lastExitNs = Number.NEGATIVE_INFINITY
  private windowNs = 0
  private entering: SimEvent<unknown> | null = null
  private waits = 0
  private lastMassDetachNs = Number.NEGATIVE_INFINITY

  private readonly env: Environment
  private readonly window: Sampler
  private readonly gp: Sampler
  private readonly afterDetach: AfterDetach | null

  /** `window` is drawn at every exit: how long the rcu_sync stays entered after it (a constant, or costs.cgroupSync.windowCdf). */
  constructor(env: Environment, window: Sampler, gp: Sampler, afterDetach: AfterDetach | null = null) {
    this.env = env
    this.window = window
    this.gp = gp
    this.afterDetach = afterDetach
  }

  /** A namespace_sem holder detached `mounts` mounts just now (they are freed after an RCU grace period). */
  noteDetach(mounts: number): void {
    if (this.afterDetach !== null && mounts >= this.afterDetach.minMounts) this.lastMassDetachNs = this.env.now
  }

  /** Grace periods waited for so far. */
  get gracePeriods(): number {
    return this.waits
  }

  /** One percpu_down_write + up_write: the event to wait for, or null when the rcu_sync is still entered. */
  enterExit(): SimEvent<unknown> | null {
    if (this.entering !== null) return this.entering
    if (this.env.now - this.lastExitNs < this.windowNs) {
      this.exit()
      return null
    }
    const done = this.env.event<unknown>()
    this.entering = done
    this.waits++
    this.env.timeout(this.drawGp()).addCallback(() => {
      this.entering = null
      this.exit()
      done.succeed()
    })
    return done
  }

  private drawGp(): number {
    const a = this.afterDetach
    if (a !== null && !a.allCoresBusy()) {
      const elapsed = this.env.now - this.lastMassDetachNs
      for (const band of a.bands) if (elapsed < band.untilNs) return band.gp()
    }
    return this.gp()
  }

  private exit(): void {
    this.lastExitNs = this.env.now
    this.windowNs = this.window()
  }
}
