/**
 * Observed pod start latency, as Kubernetes' pod startup SLI roughly defines it: creation to
 * every container running. Only counted for pods created inside the observed window (older pods
 * may have been rescheduled or had their status rewritten) and never restarted (a restart moves
 * `running.startedAt` past the first start). Includes image pulls and init containers, which the
 * SLI excludes: say so wherever this is reported.
 *
 * @example observedStartLatencyMs({createdMs: 1000, startedMs: 3500, restarts: 0, windowStartMs: 0, windowEndMs: 5000}) // 2500
 */
export function observedStartLatencyMs(p: {
  createdMs: number
  startedMs: number | null
  restarts: number
  windowStartMs: number
  windowEndMs: number
}): number | null {
  if (p.startedMs === null || p.restarts > 0) return null
  if (p.createdMs < p.windowStartMs || p.createdMs > p.windowEndMs) return null
  if (p.startedMs < p.createdMs) return null
  return p.startedMs - p.createdMs
}

/**
 * The pod's "started" time: the latest `state.running.startedAt` over its app containers, once
 * all of them run; null otherwise.
 */
export function allRunningSinceMs(runningStartedMs: ReadonlyArray<number | null>, expectedContainers: number): number | null {
  if (runningStartedMs.length < expectedContainers || expectedContainers === 0) return null
  let latest = -Infinity
  for (const t of runningStartedMs) {
    if (t === null) return null
    if (t > latest) latest = t
  }
  return latest
}
