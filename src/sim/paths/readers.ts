import type {ProcessGenerator} from '../engine.js'
import {exponential} from '../../model/distributions.js'
import type {Prng} from '../../lib/prng.js'
import type {LockUser} from '../lock-user.js'
import type {SimNode} from '../node.js'
import {MOUNTINFO_LINES_PER_CHUNK} from '../scenario.js'

/**
 * A background reader of /proc/1/mountinfo (systemd, kubelet/cadvisor, node agents): every
 * ~intervalNs (exponential, so readers do not march in step) it reads the whole host table,
 * one namespace_sem read acquisition per ~4 KiB chunk (m_start/m_stop). `stopped()` is asked
 * before each whole read.
 */
export function* mountinfoReader(node: SimNode, user: LockUser, intervalNs: number, rng: Prng, stopped: () => boolean): ProcessGenerator {
  const gap = exponential(intervalNs, rng)
  for (;;) {
    yield node.env.timeout(gap())
    if (stopped()) return
    yield* readWholeMountinfo(node, user)
  }
}

/** One read of the whole host mountinfo: a namespace_sem read section per ~75-line chunk. */
export function* readWholeMountinfo(node: SimNode, user: LockUser): ProcessGenerator {
  yield* readMountinfoLines(node, user, node.state.hostMounts)
}

/** One read of a mountinfo of `lines` mounts (any namespace's): chunks as above, each a read section. */
export function* readMountinfoLines(node: SimNode, user: LockUser, lines: number): ProcessGenerator {
  const chunk = node.costs.mountinfoChunk
  const fullChunks = Math.floor(lines / MOUNTINFO_LINES_PER_CHUNK)
  const lastLines = lines - fullChunks * MOUNTINFO_LINES_PER_CHUNK
  yield node.sem.readEach(user, fullChunks, Math.round(chunk.fixedNs + chunk.perUnitNs * MOUNTINFO_LINES_PER_CHUNK))
  if (lastLines > 0) yield node.sem.read(user, Math.round(chunk.fixedNs + chunk.perUnitNs * lastLines))
}
