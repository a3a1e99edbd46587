import {createHmac, randomBytes} from 'node:crypto'

/**
 * Replaces names (nodes, namespaces, pools, claims, contexts) with stable salted hashes for
 * `--anonymize`: the same name always maps to the same token within a snapshot, and across
 * snapshots made with the same `--salt`. HMAC-SHA256 so a name cannot be confirmed by hashing
 * guesses without the salt. A kind prefix keeps the hashes readable (`node-3fa9c2e1b0d4`).
 */
export interface Anonymizer {
  readonly enabled: boolean
  name(kind: 'node' | 'ns' | 'pool' | 'pvc' | 'ctx' | 'sel', value: string): string
}

export const identity: Anonymizer = {enabled: false, name: (_kind, value) => value}

export function makeAnonymizer(salt?: string): Anonymizer {
  const key = salt ?? randomBytes(16).toString('hex')
  const cache = new Map<string, string>()
  return {
    enabled: true,
    name(kind, value) {
      const k = `${kind}\u0000${value}`
      let out = cache.get(k)
      if (out === undefined) {
        out = `${kind}-${createHmac('sha256', key).update(k).digest('hex').slice(0, 12)}`
        cache.set(k, out)
      }
      return out
    },
  }
}
