import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {AnalysisResult} from '../../src/domain/analysis.js'
import {startTestApiServer, type TestApiServer} from '../support/k8s-api-server/index.js'

// `analyze` against a live (test) API server, in-process and as a kubectl plugin. Bursts are
// capped with --burst so the simulation stays cheap; the cluster is 6 nodes × 10 pods.
const root = join(import.meta.dirname, '..', '..')
const cheap = ['--replications', '2', '--sweep-points', '2', '--burst-sizes', '1,5', '--burst', '1', '--jobs', '1', '--format', 'json']
let api: TestApiServer
const scratch = mkdtempSync(join(tmpdir(), 'dp-analyze-live-'))
beforeAll(async () => {
  api = await startTestApiServer({cluster: {podsPerNode: 10, unscheduledPods: 1}})
})
afterAll(async () => {
  await api.close()
  rmSync(scratch, {recursive: true, force: true})
})

describe('analyze against a live cluster', () => {
  it('reads the current kubeconfig context and analyzes every pool', async () => {
    const {stdout, error} = await runCommand(['analyze', '--kubeconfig', api.kubeconfigPath, ...cheap, '--out', join(scratch, 'live.json'), '--json'])
    expect(error).toBeUndefined()
    const result = JSON.parse(stdout) as AnalysisResult
    expect(result.cluster.source).toBe('live')
    expect(result.cluster.name).toBe('test')
    expect(result.cluster.nodeCount).toBe(6)
    expect(result.pools.map((p) => p.name).sort()).toEqual(['fast-start', 'general', 'gpu'])
    const fast = result.pools.find((p) => p.name === 'fast-start')!
    expect(fast.readiness.otnCapableNodes).toBe(0) // CRI-O 1.31 ships crun < 1.29 (inferred)
  })

  it('without any kubeconfig, exits 3 and points to --demo', async () => {
    const saved = {HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG, KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST}
    process.env.HOME = scratch
    delete process.env.KUBECONFIG
    delete process.env.KUBERNETES_SERVICE_HOST
    try {
      const {error, stderr} = await runCommand(['analyze', ...cheap, '--out', join(scratch, 'none.json')])
      expect((error as {oclif?: {exit?: number}}).oclif?.exit).toBe(3)
      expect(stderr).toMatch(/no kubeconfig found/)
      expect(stderr).toMatch(/Try this: .*densityplan analyze --demo/)
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
    }
  })

  it('reports a cluster it cannot read as a cluster error (exit 3)', async () => {
    const bad = api.writeKubeconfig({token: 'unknown-token'})
    const {error, stderr} = await runCommand(['analyze', '--kubeconfig', bad, ...cheap, '--out', join(scratch, 'bad.json')])
    expect((error as {oclif?: {exit?: number}}).oclif?.exit).toBe(3)
    expect(stderr).toMatch(/Error: /)
  })
})

// kubectl finds plugins on PATH by file name; this runs the built bin (npm test builds dist first).
const kubectl = ['/usr/bin/kubectl', join(root, '.tools', 'kubectl-deb', 'usr', 'bin', 'kubectl')].find((p) => existsSync(p))
describe('kubectl densityplan', () => {
  it('runs analyze as a kubectl plugin with kubectl-style flags', async () => {
    expect(kubectl, 'kubectl is needed for this test (CI installs Debian kubernetes-client)').toBeDefined()
    expect(existsSync(join(root, 'dist', 'cli', 'kubectl-args.js')), 'run npm run build first').toBe(true)
    const plugins = join(scratch, 'plugins')
    mkdirSync(plugins, {recursive: true})
    symlinkSync(join(root, 'bin', 'kubectl-densityplan.js'), join(plugins, 'kubectl-densityplan'))
    // Asynchronous: the test API server lives in this process and must keep serving meanwhile.
    const args = [
      'densityplan',
      'analyze',
      '--kubeconfig',
      api.kubeconfigPath,
      '--context',
      'test',
      '-A',
      ...cheap,
      '--out',
      join(scratch, 'plugin.json'),
      '--json',
    ]
    const r = await new Promise<{status: number | null; stdout: string; stderr: string}>((resolve) => {
      const child = spawn(kubectl!, args, {env: {...process.env, PATH: `${plugins}:${process.env.PATH}`}})
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', (status) => resolve({status, stdout, stderr}))
    })
    expect(r.status, `${r.stdout.slice(0, 400)}\n${r.stderr}`).toBe(0)
    expect((JSON.parse(r.stdout) as AnalysisResult).cluster.nodeCount).toBe(6)
  })
})
