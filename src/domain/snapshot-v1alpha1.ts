import {z} from 'zod'
import {ClusterSnapshotSchema, SNAPSHOT_API_VERSION, SnapshotNodeSchema, SnapshotPodSchema, type ClusterSnapshot} from './snapshot.js'

/**
 * Reading snapshots written before v1alpha2. A v1alpha1 snapshot is a v1alpha2 one without
 * `nodes[].podCIDR` and `pods[].requests`; it is upgraded by setting both to null (unknown), so
 * the CPU, memory and pod-IP bounds of max pods/node show as "unknown" in the report, and a
 * warning says why. Everything else in it is used as before.
 */
export const SNAPSHOT_API_VERSION_V1ALPHA1 = 'densityplan.dev/v1alpha1'

const V1Alpha1Schema = ClusterSnapshotSchema.extend({
  apiVersion: z.literal(SNAPSHOT_API_VERSION_V1ALPHA1),
  nodes: z.array(SnapshotNodeSchema.omit({podCIDR: true})),
  pods: z.array(SnapshotPodSchema.omit({requests: true})),
})

export const V1ALPHA1_WARNING =
  'snapshot schema densityplan.dev/v1alpha1 has no pod requests and no node podCIDR: the CPU, memory and pod-IP limits of max pods/node are unknown (collect again for them)'

/** Validates a parsed snapshot of any readable version and returns it as the current version. */
export type SnapshotParse = {success: true; data: ClusterSnapshot} | {success: false; error: z.ZodError}

export function parseSnapshot(raw: unknown): SnapshotParse {
  const version = raw !== null && typeof raw === 'object' ? (raw as {apiVersion?: unknown}).apiVersion : undefined
  if (version !== SNAPSHOT_API_VERSION_V1ALPHA1) {
    const now = ClusterSnapshotSchema.safeParse(raw)
    return now.success ? {success: true, data: now.data} : {success: false, error: now.error}
  }
  const old = V1Alpha1Schema.safeParse(raw)
  if (!old.success) return {success: false, error: old.error}
  const upgraded: ClusterSnapshot = {
    ...old.data,
    apiVersion: SNAPSHOT_API_VERSION,
    nodes: old.data.nodes.map((n) => ({...n, podCIDR: null})),
    pods: old.data.pods.map((p) => ({...p, requests: null})),
    warnings: [...old.data.warnings, V1ALPHA1_WARNING],
  }
  return {success: true, data: upgraded}
}
