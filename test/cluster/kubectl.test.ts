import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestApiServer, type TestApiServer} from '../support/k8s-api-server/index.js'

// The real kubectl (Debian's 1.20.2, extracted by scripts/test-prereqs.sh) proves the test
// server speaks Kubernetes: discovery, bearer auth, chunked lists with continue tokens.
const kubectl = join(import.meta.dirname, '..', '..', '.tools', 'kubectl-deb', 'usr', 'bin', 'kubectl')
const run = promisify(execFile)

describe('the test API server, seen by the real kubectl', () => {
  let api: TestApiServer
  let cacheDir: string
  beforeAll(async () => {
    if (!existsSync(kubectl))
      throw new Error(`${kubectl} is missing: run scripts/test-prereqs.sh as root (it extracts Debian's kubernetes-client there), or run npm run test:unit`)
    api = await startTestApiServer({cluster: {podsPerNode: 23, unscheduledPods: 3}})
    cacheDir = mkdtempSync(join(tmpdir(), 'dp-kubectl-cache-'))
  })
  afterAll(async () => {
    await api.close()
    rmSync(cacheDir, {recursive: true, force: true})
  })

  it('kubectl is installed where the test prerequisites put it', () => {
    expect(existsSync(kubectl)).toBe(true)
  })

  it('lists every pod in chunks of 50 with get pods -A -o json', async () => {
    const {stdout} = await run(kubectl, ['--kubeconfig', api.kubeconfigPath, '--cache-dir', cacheDir, 'get', 'pods', '-A', '-o', 'json', '--chunk-size=50'], {
      maxBuffer: 64 << 20,
    })
    const list = JSON.parse(stdout) as {items: Array<{metadata: {uid: string}}>}
    expect(list.items).toHaveLength(api.world.podCount)
    expect(new Set(list.items.map((p) => p.metadata.uid)).size).toBe(api.world.podCount)
    expect(api.stats.continueRequests).toBeGreaterThanOrEqual(Math.floor(api.world.podCount / 50))
  })

  it('lists nodes filtered by a label selector', async () => {
    const {stdout} = await run(kubectl, [
      '--kubeconfig',
      api.kubeconfigPath,
      '--cache-dir',
      cacheDir,
      'get',
      'nodes',
      '-l',
      'karpenter.sh/nodepool=fast-start',
      '-o',
      'name',
    ])
    expect(stdout.trim().split('\n')).toEqual(['node/fast-start-node-0000', 'node/fast-start-node-0001'])
  })

  it('reads kubelet metrics through the node proxy', async () => {
    const {stdout} = await run(kubectl, [
      '--kubeconfig',
      api.kubeconfigPath,
      '--cache-dir',
      cacheDir,
      'get',
      '--raw',
      '/api/v1/nodes/gpu-node-0000/proxy/metrics',
    ])
    expect(stdout).toContain('kubelet_pod_start_sli_duration_seconds_bucket')
  })

  it('is refused with an unknown token, as kubectl reports it', async () => {
    const bad = api.writeKubeconfig({token: 'nope'})
    await expect(run(kubectl, ['--kubeconfig', bad, '--cache-dir', cacheDir, 'get', 'pods', '-A'])).rejects.toMatchObject({
      stderr: expect.stringContaining('Unauthorized'),
    })
  })
})
