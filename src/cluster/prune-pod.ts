/**
 * Cuts a raw Pod (parsed JSON, before client-node builds its typed copy) down to the fields
 * translate-pod.ts reads. It runs on every page as it arrives, so the large parts of a pod
 * (managedFields, env, args, annotations, probes) are dropped before a second, typed copy is
 * made: less garbage per page at 150,000 pods, and secret-bearing fields never get further
 * than the response text.
 */
type Json = Record<string, unknown>

const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined)
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => obj(x)) as Json[]) : [])

/** Only the keys present; undefined stays absent so the typed copy stays small. */
function pick(o: Json | undefined, keys: string[]): Json {
  const out: Json = {}
  if (!o) return out
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k]
  return out
}

function container(c: Json): Json {
  const res = obj(c['resources'])
  return {
    ...pick(c, ['name', 'restartPolicy']),
    volumeMounts: arr(c['volumeMounts']).map((m) => pick(m, ['name', 'subPath', 'subPathExpr', 'mountPropagation'])),
    ...(res ? {resources: pick(res, ['limits', 'requests'])} : {}),
  }
}

function volume(v: Json): Json {
  const out: Json = {name: v['name']}
  for (const [k, val] of Object.entries(v)) {
    if (k === 'name') continue
    // Keep which type it is; inside, only what the translator reads.
    if (k === 'persistentVolumeClaim') out[k] = pick(obj(val), ['claimName'])
    else if (k === 'emptyDir') out[k] = pick(obj(val), ['medium'])
    else out[k] = {}
  }
  return out
}

function containerStatus(s: Json): Json {
  const running = obj(obj(s['state'])?.['running'])
  return {...pick(s, ['name', 'restartCount']), ...(running ? {state: {running: pick(running, ['startedAt'])}} : {})}
}

export function prunePod(pod: Json): Json {
  const meta = obj(pod['metadata'])
  const spec = obj(pod['spec'])
  const status = obj(pod['status'])
  return {
    metadata: {
      ...pick(meta, ['name', 'namespace', 'creationTimestamp']),
      ownerReferences: arr(meta?.['ownerReferences']).map((o) => pick(o, ['kind', 'controller'])),
    },
    spec: {
      ...pick(spec, ['nodeName', 'hostNetwork', 'hostUsers', 'runtimeClassName', 'overhead']),
      volumes: arr(spec?.['volumes']).map(volume),
      containers: arr(spec?.['containers']).map(container),
      initContainers: arr(spec?.['initContainers']).map(container),
    },
    status: {
      ...pick(status, ['phase', 'qosClass']),
      containerStatuses: arr(status?.['containerStatuses']).map(containerStatus),
      initContainerStatuses: arr(status?.['initContainerStatuses']).map(containerStatus),
    },
  }
}

/** Prunes every item of a PodList response body; anything unexpected passes through unchanged. */
export function prunePodListText(text: string): string {
  const split = splitPodList(text)
  return split ? JSON.stringify({...split.list, items: split.items}) : text
}

/**
 * Parses a PodList body once and returns its pruned items apart from the rest of the list, so
 * client-node only deserializes the small envelope (metadata, continue token). Null when the
 * body is not a list.
 */
export function splitPodList(text: string): {items: Json[]; list: Json} | null {
  let list: Json
  try {
    list = JSON.parse(text) as Json
  } catch {
    return null
  }
  if (!Array.isArray(list['items'])) return null
  const items = arr(list['items']).map(prunePod)
  list['items'] = []
  return {items, list}
}
