import {spawn} from 'node:child_process'
import type {IncomingMessage} from 'node:http'
import type {Duplex} from 'node:stream'
import {WebSocketServer, type WebSocket} from 'ws'
import {killGroup, type PodStore} from './pods.js'

/**
 * The Kubernetes WebSocket exec protocol, server side, with THIS machine as the node: the
 * command is spawned here (as its own process group, cwd /), so what runs "in the pod" really
 * runs. Frames are binary, the first byte is the channel: 0 stdin, 1 stdout, 2 stderr, 3 the
 * final status (a metav1.Status JSON: Success, or Failure/NonZeroExitCode with the code in
 * details.causes), 4 terminal resize (ignored). v5.channel.k8s.io adds 255 = close stream,
 * second byte the channel (the client closing stdin). v4 is the same without 255. SPDY (what
 * kubectl < 1.30 speaks) is refused with 400, so such a kubectl would report the upgrade error.
 */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io']

export interface ExecGate {
  /** Answers with a Status (401/403/404/400) before the upgrade, or returns null to go ahead. */
  check(req: IncomingMessage, url: URL): {code: number; body: Record<string, unknown>} | null
  pods: PodStore
  /** Subprotocols accepted, in preference order (default EXEC_PROTOCOLS). */
  protocols?: string[]
  /** Fault: a frame on this channel before anything else. */
  junkChannel?: number
  onExec?: (command: string[]) => void
}

export function makeExecServer(gate: ExecGate): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const accepted = gate.protocols ?? EXEC_PROTOCOLS
  const wss = new WebSocketServer({noServer: true, handleProtocols: (offered) => accepted.find((p) => offered.has(p)) ?? false})
  return (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1')
    const refuse = (code: number, body: Record<string, unknown>) => {
      const text = JSON.stringify(body)
      socket.end(
        `HTTP/1.1 ${code} ${code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : code === 404 ? 'Not Found' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      )
    }
    const denied = gate.check(req, url)
    if (denied) return refuse(denied.code, denied.body)
    const m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/)!
    const pod = gate.pods.get(m[1]!, m[2]!)!
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuse(400, status(400, 'BadRequest', 'the test API server speaks only WebSocket exec (v5.channel.k8s.io, v4.channel.k8s.io), not SPDY'))
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim())
    if (!accepted.some((p) => offered.includes(p))) {
      return refuse(
        400,
        status(400, 'BadRequest', `none of the offered subprotocols (${offered.join(', ') || 'none'}) is supported: use ${accepted.join(' or ')}`),
      )
    }
    const command = url.searchParams.getAll('command')
    const wantStdin = url.searchParams.get('stdin') === 'true' || url.searchParams.get('stdin') === '1'
    wss.handleUpgrade(req, socket, head, (ws) => run(ws, command, wantStdin, pod.children, gate))
  }
}

function run(ws: WebSocket, command: string[], wantStdin: boolean, children: Set<import('node:child_process').ChildProcess>, gate: ExecGate): void {
  gate.onExec?.(command)
  const v5 = ws.protocol === 'v5.channel.k8s.io'
  const frame = (channel: number, data: Buffer) => Buffer.concat([Buffer.from([channel]), data])
  const finish = (s: Record<string, unknown>) => {
    if (ws.readyState !== ws.OPEN) return
    ws.send(frame(3, Buffer.from(JSON.stringify(s))), () => ws.close(1000))
  }
  if (gate.junkChannel !== undefined) ws.send(frame(gate.junkChannel, Buffer.from('junk')))
  if (command.length === 0) return finish(status(400, 'BadRequest', 'you must specify at least 1 command'))
  const child = spawn(command[0]!, command.slice(1), {cwd: '/', stdio: ['pipe', 'pipe', 'pipe'], detached: true})
  children.add(child)
  child.stdout.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(frame(1, d)))
  child.stderr.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(frame(2, d)))
  child.stdin.on('error', () => undefined) // the command may exit without reading its stdin
  if (!wantStdin) child.stdin.end()
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data)
    if (buf.length === 0) return
    if (buf[0] === 0 && wantStdin && !child.stdin.writableEnded) child.stdin.write(buf.subarray(1))
    else if (v5 && buf[0] === 255 && buf[1] === 0) child.stdin.end()
  })
  // The client went away (Ctrl-C in kubectl, a killed densityplan): the session ends with it.
  ws.on('close', () => killGroup(child))
  let spawnError: Error | undefined
  child.on('error', (err) => (spawnError = err))
  child.on('close', (code, signal) => {
    children.delete(child)
    if (spawnError)
      return finish(
        status(500, 'InternalError', `OCI runtime exec failed: exec failed: unable to start container process: exec: "${command[0]}": ${spawnError.message}`),
      )
    if (code === 0) return finish({metadata: {}, status: 'Success'})
    const exit = code ?? 128 + (signal ? (({SIGKILL: 9, SIGTERM: 15, SIGINT: 2} as Record<string, number>)[signal] ?? 1) : 1)
    finish({
      metadata: {},
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exit}`,
      details: {causes: [{reason: 'ExitCode', message: String(exit)}]},
    })
  })
}

export function status(code: number, reason: string, message: string): Record<string, unknown> {
  return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code}
}
