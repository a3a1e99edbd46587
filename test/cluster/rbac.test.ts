import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseAllDocuments} from 'yaml'

// docs/rbac.yaml is what users apply: it must stay read-only and cover every call collect makes.
const docs = parseAllDocuments(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rbac.yaml'), 'utf8')).map((d) => d.toJS() as {kind: string; rules?: Array<{apiGroups: string[]; resources: string[]; verbs: string[]}>})

describe('the shipped RBAC manifest', () => {
  const role = docs.find((d) => d.kind === 'ClusterRole')!
  const grants = role.rules!.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`)))

  it('grants only list and get, and nothing on secrets', () => {
    expect(role.rules!.flatMap((r) => r.verbs).every((v) => v === 'list' || v === 'get')).toBe(true)
    expect(grants.some((g) => g.includes('secret'))).toBe(false)
  })

  it('covers the calls collect makes: list nodes, list pods, get nodes/proxy', () => {
    expect(grants.sort()).toEqual(['get nodes/proxy', 'list nodes', 'list pods'])
  })

  it('binds the role to a service account', () => {
    expect(docs.map((d) => d.kind)).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'])
  })
})
