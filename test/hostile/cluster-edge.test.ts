import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type AddressInfo, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'

// Issue 10, cluster edge: exec credential plugins that hang or are missing, a server that
// accepts TCP but never finishes TLS, and credentials in the server URL. No API server is
// needed: every case fails before or during the first request.
const dir = mkdtempSync(join(tmpdir(), 'dp-hostile-cluster-'))
const servers: Server[] = []
const sockets: Socket[] = []
afterAll(async () => {
  for (const s of sockets) s.destroy()
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  rmSync(dir, {recursive: true, force: true})
})

function kubeconfig(name: string, server: string, user: string): string {
  const path = join(dir, name)
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
users:
- name: u
  user:
${user}
`,
  )
  return path
}

/** A TCP server that accepts connections and never says anything (no TLS handshake). */
async function silentServer(): Promise<number> {
  const s = createServer((sock) => sockets.push(sock))
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return (s.address() as AddressInfo).port
}

async function collect(args: string[]): Promise<{stderr: string; exit: number; seconds: number}> {
  const t0 = performance.now()
  const {stderr, error} = await runCommand(['collect', '--out', join(dir, `snap-${Math.random()}.json`), ...args])
  const exit = error === undefined ? 0 : ((error as {oclif?: {exit?: number}}).oclif?.exit ?? 1)
  return {stderr, exit, seconds: (performance.now() - t0) / 1000}
}

describe('collect against hostile cluster settings', () => {
  it('stops a hanging exec credential plugin at --request-timeout and names it', async () => {
    const plugin = join(dir, 'hang-plugin')
    writeFileSync(plugin, '#!/bin/sh\nexec sleep 60\n')
    chmodSync(plugin, 0o755)
    const kc = kubeconfig(
      'hang.yaml',
      'https://127.0.0.1:1',
      `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never`,
    )
    const r = await collect(['--kubeconfig', kc, '--request-timeout', '1s', '--max-retries', '0'])
    expect(r.exit).toBe(3)
    expect(r.stderr).toContain('exec credential plugin')
    expect(r.stderr).toContain('did not finish within 1000 ms')
    // Far below the plugin's 60 s: the timeout, not the plugin, ended it.
    expect(r.seconds).toBeLessThan(30)
  })

  it('reports a missing exec plugin binary as missing, not as a network error', async () => {
    const kc = kubeconfig(
      'missing.yaml',
      'https://127.0.0.1:1',
      `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${join(dir, 'no-such-plugin')}\n      interactiveMode: Never`,
    )
    const r = await collect(['--kubeconfig', kc, '--request-timeout', '2s', '--max-retries', '0'])
    expect(r.exit).toBe(3)
    expect(r.stderr).toMatch(/exec credential plugin \S*no-such-plugin was not found/)
    expect(r.stderr).not.toContain('network error')
  })

  it('never prints the password of a server URL with userinfo', async () => {
    const port = await silentServer()
    const kc = kubeconfig('userinfo.yaml', `https://admin:s3cr3tpass@127.0.0.1:${port}`, '    token: abc.def.ghi')
    const r = await collect(['--kubeconfig', kc, '--request-timeout', '1s', '--max-retries', '0'])
    expect(r.exit).toBe(3)
    expect(r.stderr).toContain('127.0.0.1')
    expect(r.stderr).not.toContain('s3cr3tpass')
    expect(r.stderr).not.toContain('abc.def.ghi')
  })

  it('gives up on a server that never finishes TLS after --request-timeout per attempt', async () => {
    const port = await silentServer()
    const kc = kubeconfig('stall.yaml', `https://127.0.0.1:${port}`, '    token: t')
    const once = await collect(['--kubeconfig', kc, '--request-timeout', '1s', '--max-retries', '0'])
    expect(once.exit).toBe(3)
    expect(once.stderr).toContain('within the request timeout')
    const twice = await collect(['--kubeconfig', kc, '--request-timeout', '1s', '--max-retries', '1'])
    expect(twice.exit).toBe(3)
    expect(twice.stderr).toContain('after 2 attempts')
    // 1 s per attempt plus one backoff, not undici's 10 s connect timeout per attempt (the
    // first run also pays client-node's import, so the second is the one timed).
    console.log(`TLS stall: ${once.seconds.toFixed(1)} s with 0 retries, ${twice.seconds.toFixed(1)} s with 1`)
    expect(twice.seconds).toBeLessThan(10)
  })

  it('refuses a kubeconfig larger than the limit (a symlink to /dev/zero) without reading all of it', async () => {
    const r = await collect(['--kubeconfig', '/dev/zero', '--request-timeout', '1s', '--max-retries', '0'])
    expect(r.exit).toBe(3)
    expect(r.stderr).toContain('larger than 16 MiB')
  })
})
