import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseAllDocuments} from 'yaml'

// docs/rbac.yaml is what users apply: it must stay read-only and cover every call collect makes.
const docs = parseAllDocuments(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rbac.yaml'), 'utf8')).map(
  (d) => d.toJS() as {kind: string; rules?: Array<{apiGroups: string[]; resources: string[]; verbs: string[]}>},
)

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

// docs/rbac-calibrate.yaml: the only write permission densityplan asks for, confined to one
// namespace. test/calibrate/calibrate-node.test.ts checks that a real run stays inside it.
const calibrateDocs = parseAllDocuments(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rbac-calibrate.yaml'), 'utf8')).map(
  (d) => d.toJS() as {kind: string; metadata: {namespace?: string}; rules?: Array<{apiGroups: string[]; resources: string[]; verbs: string[]}>},
)

describe('the calibrate --node RBAC manifest', () => {
  const grantsOf = (kind: string) =>
    calibrateDocs.filter((d) => d.kind === kind).flatMap((d) => d.rules!.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`))))

  it('grants writes (create/delete pods, create pods/exec) only through a namespaced Role', () => {
    const role = calibrateDocs.find((d) => d.kind === 'Role')!
    expect(role.metadata.namespace).toBe('densityplan')
    expect(grantsOf('Role').sort()).toEqual(['create pods', 'create pods/exec', 'delete pods', 'get pods'])
  })

  it('grants only get and list cluster-wide, on nodes and the optional nodes/proxy', () => {
    expect(grantsOf('ClusterRole').sort()).toEqual(['get nodes', 'get nodes/proxy', 'list nodes'])
  })
})
