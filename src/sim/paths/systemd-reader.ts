import type {ProcessGenerator} from '../engine.js'
import type {LockUser} from '../lock-user.js'
import type {SimNode} from '../node.js'
import {readWholeMountinfo} from './readers.js'

/** sd-event's rate limit on systemd's mountinfo event source. */
export interface SystemdReaderOptions {
  /** Re-reads allowed per window (systemd: 5). */
  burst: number
  /** Window length (systemd: 1 s). */
  windowNs: number
}

/**
 * systemd (PID 1) re-parses the whole /proc/self/mountinfo after every host mount change
 * (mount_dispatch_io on the POLLPRI event), rate-limited by sd-event: at most `burst` re-reads
 * per `windowNs` (sd_event_source_set_ratelimit(mount_event_source, 1 s, 5) since v249).
 * Changes that arrive during a read are coalesced into one more read. Each read is one
 * namespace_sem read acquisition per chunk, so host mounts make more reads, which delay the
 * writers that make host mounts: the feedback the kernel-model notes for 2,000 bind mounts.
 */
export function* systemdReader(node: SimNode, user: LockUser, opts: SystemdReaderOptions, stopped: () => boolean): ProcessGenerator {
  const {env} = node
  const changes = node.hostMountChanged
  let windowStartNs = -Infinity
  let readsInWindow = 0
  let seen = changes.count
  for (;;) {
    if (changes.count === seen) yield changes.wait()
    if (stopped()) return
    if (env.now >= windowStartNs + opts.windowNs) {
      windowStartNs = env.now
      readsInWindow = 0
    }
    if (readsInWindow >= opts.burst) {
      yield env.timeout(windowStartNs + opts.windowNs - env.now)
      windowStartNs = env.now
      readsInWindow = 0
    }
    readsInWindow++
    seen = changes.count
    yield* readWholeMountinfo(node, user)
  }
}
