/**
 * Node pool labels of the common managed Kubernetes offerings, in the order they are tried.
 * The instance type comes last: it groups nodes by shape when no pool label exists.
 */
export const POOL_LABELS = [
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'karpenter.sh/nodepool',
  'kubernetes.azure.com/agentpool',
  'node.kubernetes.io/instance-type',
] as const

/** The node's pool and the label it came from; a user `--pool-label` wins over the built-in list. */
export function nodePool(labels: Record<string, string> | undefined, userLabel?: string): {pool: string; poolLabel: string | null} {
  const keys = userLabel ? [userLabel, ...POOL_LABELS] : POOL_LABELS
  for (const key of keys) {
    const value = labels?.[key]
    if (value) return {pool: value, poolLabel: key}
  }
  return {pool: 'default', poolLabel: null}
}
