import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import WebSocket from 'ws'
import {startTestApiServer, type TestApiServer} from '../support/k8s-api-server/index.js'

// The exec protocol of the test API server frame by frame, with a plain WebSocket client:
// what kubectl and client-node rely on, including the v4 subprotocol neither of them picks
// first any more.
let api: TestApiServer
const POD = 'shell'

beforeAll(async () => {
  api = await startTestApiServer({pods: {startDelayMs: 10}})
  const made = api.pods.create('default', {
    kind: 'Pod',
    metadata: {name: POD},
    spec: {nodeName: 'general-node-0000', containers: [{name: 'c', image: 'busybox:1.37.0'}]},
  })
  expect('code' in made).toBe(false)
  for (let i = 0; i < 50 && api.pods.get('default', POD)?.obj.status['phase'] !== 'Running'; i++) await new Promise((r) => setTimeout(r, 20))
})
afterAll(() => api.close())

interface Session {
  frames: Array<{channel: number; text: string}>
  status: {status: string; details?: {causes?: Array<{reason: string; message: string}>}} | null
  protocol: string
  closed: boolean
}

/** Opens an exec session, sends `stdin` chunks (and a v5 close-stream frame if asked), collects frames until the server closes. */
function exec(command: string[], opts: {protocols: string[]; stdin?: string; closeStdin?: boolean; token?: string}): Promise<Session> {
  const pairs: Array<[string, string]> = [...command.map((c): [string, string] => ['command', c]), ['container', 'c'], ['stdout', 'true'], ['stderr', 'true']]
  if (opts.stdin !== undefined) pairs.push(['stdin', 'true'])
  const q = new URLSearchParams(pairs)
  const ws = new WebSocket(`${api.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/${POD}/exec?${q}`, opts.protocols, {
    ca: readFileSync(join(api.dir, 'densityplan-test-ca.crt')),
    headers: {authorization: `Bearer ${opts.token ?? 'good-token'}`},
  })
  const s: Session = {frames: [], status: null, protocol: '', closed: false}
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.on('error', reject)
    ws.on('open', () => {
      s.protocol = ws.protocol
      if (opts.stdin !== undefined) ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(opts.stdin)]))
      if (opts.closeStdin) ws.send(Buffer.from([255, 0]))
    })
    ws.on('message', (data: Buffer) => {
      const channel = data[0]!
      const text = data.subarray(1).toString('utf8')
      if (channel === 3) s.status = JSON.parse(text) as Session['status']
      else s.frames.push({channel, text})
    })
    ws.on('close', () => {
      s.closed = true
      resolve(s)
    })
  })
}

const joined = (s: Session, channel: number) =>
  s.frames
    .filter((f) => f.channel === channel)
    .map((f) => f.text)
    .join('')

describe("the test API server's WebSocket exec protocol", () => {
  it('picks v5.channel.k8s.io when offered first, with stdout on 1, stderr on 2 and Success on 3', async () => {
    const s = await exec(['sh', '-c', 'echo out; echo err >&2'], {protocols: ['v5.channel.k8s.io', 'v4.channel.k8s.io']})
    expect(s.protocol).toBe('v5.channel.k8s.io')
    expect(joined(s, 1)).toBe('out\n')
    expect(joined(s, 2)).toBe('err\n')
    expect(s.status).toEqual({metadata: {}, status: 'Success'})
    expect(s.closed).toBe(true)
  })

  it('speaks v4.channel.k8s.io too, reporting a non-zero exit as NonZeroExitCode with the code', async () => {
    const s = await exec(['sh', '-c', 'exit 42'], {protocols: ['v4.channel.k8s.io']})
    expect(s.protocol).toBe('v4.channel.k8s.io')
    expect(s.status).toMatchObject({status: 'Failure', reason: 'NonZeroExitCode', details: {causes: [{reason: 'ExitCode', message: '42'}]}})
  })

  it("ends the command's stdin on the v5 close-stream frame for channel 0", async () => {
    const s = await exec(['sh', '-c', 'wc -c'], {protocols: ['v5.channel.k8s.io'], stdin: 'twelve bytes', closeStdin: true})
    expect(joined(s, 1).trim()).toBe('12')
  })

  it("runs the command on this machine: it sees this process's pid in the host PID space", async () => {
    const s = await exec(['sh', '-c', `test -d /proc/${process.pid} && echo here`], {protocols: ['v5.channel.k8s.io']})
    expect(joined(s, 1)).toBe('here\n')
  })

  it('refuses a client that offers no supported subprotocol with 400 before upgrading', async () => {
    await expect(exec(['true'], {protocols: ['channel.k8s.io']})).rejects.toThrow('HTTP 400')
  })

  it('can be limited to v4.channel.k8s.io, refusing a v5-only client like an API server before 1.30', async () => {
    const old = await startTestApiServer({pods: {execProtocols: ['v4.channel.k8s.io']}})
    try {
      const url = `${old.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/x/exec?command=true`
      old.pods.create('default', {kind: 'Pod', metadata: {name: 'x'}, spec: {nodeName: 'general-node-0000', containers: [{name: 'c', image: 'busybox'}]}})
      for (let i = 0; i < 50 && old.pods.get('default', 'x')?.obj.status['phase'] !== 'Running'; i++) await new Promise((r) => setTimeout(r, 20))
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, ['v5.channel.k8s.io'], {
          ca: readFileSync(join(old.dir, 'densityplan-test-ca.crt')),
          headers: {authorization: 'Bearer good-token'},
        })
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        ws.on('open', () => reject(new Error('upgraded with v5')))
        ws.on('error', () => undefined)
      })
      expect(status).toBe(400)
    } finally {
      await old.close()
    }
  })

  it('refuses an unknown token with 401 before upgrading', async () => {
    await expect(exec(['true'], {protocols: ['v5.channel.k8s.io'], token: 'nope'})).rejects.toThrow('HTTP 401')
  })
})
