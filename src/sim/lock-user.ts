import type {Ns, SimEvent} from './engine.js'

// What the rw-semaphore (rwsem.ts) and a lock section (section.ts) both speak of. Its own file so
// that section.ts does not import rwsem.ts, which imports section.ts.

export interface LockUser {
  readonly name: string
  /** Accumulated time spent waiting for (spinning on or sleeping for) this lock. */
  waitNs: number
  /** Accumulated time holding this lock. */
  holdNs: number
  /** @internal When the current hold began; -1 or absent when not holding. */
  heldSinceNs?: number
  /** @internal The user's last lock section (a LockSection: section.ts imports this file), reused for its next one (rwsem.ts). */
  spareSection?: SimEvent<unknown>
}

export type Kind = 'read' | 'write'

/** Where a section in down_write's or down_read's slow path is (LockSection.phase, driven by rwsem.ts). */
export const NOT_WAITING = 0
/** Queued for a core before calling down_*: the section itself is the grant event (Cpus.acquireFor). */
export const WAIT_CPU = 1
/** Spinning on a running writer owner. */
export const SPIN = 2
/** Asleep in the wait list: the section itself is the wake-up event (Waiter.event). */
export const SLEEP = 3
/** Woken, queued for a core again: the section itself is the grant event. */
export const WAKE_CPU = 4

/** @internal A queued sleeper. */
export interface Waiter {
  readonly user: LockUser
  kind: Kind
  arrivedNs: Ns
  queuedNs: Ns
  /** Fires when this sleeper runs again (writers) or has been made an owner (readers): the sleeping section itself. */
  readonly event: SimEvent<unknown>
  woken: boolean
  /** Granted out of order (a reader behind a writer): skipped when it reaches the head. */
  removed: boolean
  /** In the wait list (granted-out-of-order readers stay in it until they reach the head). */
  inQueue: boolean
}
