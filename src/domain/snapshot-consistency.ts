import type {ClusterSnapshot} from './snapshot.js'

/**
 * Checks a schema-valid snapshot for contradictions the per-field schema cannot see: a node
 * name listed twice (one copy in another pool would hide that pool and count its pods twice),
 * pods bound to a node the snapshot does not list (they would be dropped from every pool while
 * the header still counted them), per-node extras listed twice, and a start latency longer
 * than the window it was observed in. Returns one line per problem (empty when consistent),
 * each naming the offending values; the caller refuses the snapshot (exit 2).
 */
export function snapshotContradictions(snap: ClusterSnapshot): string[] {
  const problems: string[] = []
  const nodeDupes = duplicates(snap.nodes.map((n) => n.name))
  if (nodeDupes.length) problems.push(`nodes: ${plural(nodeDupes.length, 'node name')} listed more than once: ${sample(nodeDupes)}`)
  const nodes = new Set(snap.nodes.map((n) => n.name))

  const orphans = new Map<string, number>()
  for (const p of snap.pods) if (p.node !== null && !nodes.has(p.node)) orphans.set(p.node, (orphans.get(p.node) ?? 0) + 1)
  if (orphans.size) {
    const total = [...orphans.values()].reduce((a, b) => a + b, 0)
    problems.push(`pods: ${plural(total, 'pod')} on ${plural(orphans.size, 'node')} the snapshot does not list: ${sample([...orphans.keys()])}`)
  }

  for (const [field, names] of [
    ['derived', snap.derived.map((d) => d.node)],
    ['mountinfo', (snap.mountinfo ?? []).map((m) => m.node)],
    ['kubeletMetrics', (snap.kubeletMetrics ?? []).map((m) => m.node)],
  ] as const) {
    const dupes = duplicates(names)
    if (dupes.length) problems.push(`${field}: ${plural(dupes.length, 'node')} listed more than once: ${sample(dupes)}`)
    const unknown = [...new Set(names.filter((n) => !nodes.has(n)))]
    if (unknown.length) problems.push(`${field}: ${plural(unknown.length, 'node')} the snapshot does not list: ${sample(unknown)}`)
  }

  const late = snap.pods.filter((p) => p.startLatencyMs !== null && p.startLatencyMs > snap.observedWindowMs).length
  if (late)
    problems.push(`pods: ${plural(late, 'pod')} with a startLatencyMs above observedWindowMs ${snap.observedWindowMs} (starts are observed inside the window)`)
  return problems
}

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>()
  const dupes = new Set<string>()
  for (const n of names) (seen.has(n) ? dupes : seen).add(n)
  return [...dupes]
}

/** Up to 3 names, JSON-quoted so empty or odd names stay visible, then "and N more". */
function sample(names: readonly string[]): string {
  const shown = names
    .slice(0, 3)
    .map((n) => JSON.stringify(n))
    .join(', ')
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
