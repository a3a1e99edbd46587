import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readdirSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {InputError} from '../errors/errors.js'
import {parseProbeOutput, type ProbeOutput} from './probe-output.js'

/** The package root (two levels up from src/io or dist/io). */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
}

/**
 * Path of the built probe, building it first when missing or older than its sources. `static`
 * builds native/build/dp-probe-static (no shared libraries), the one streamed into a pod.
 */
export function ensureProbe(root: string = packageRoot(), opts: {static?: boolean} = {}): string {
  const bin = join(root, 'native', 'build', opts.static ? 'dp-probe-static' : 'dp-probe')
  const srcDir = join(root, 'native', 'probe')
  const newestSrc = Math.max(...readdirSync(srcDir).map((f) => statSync(join(srcDir, f)).mtimeMs))
  if (existsSync(bin) && statSync(bin).mtimeMs >= newestSrc) return bin
  const r = spawnSync(join(root, 'scripts', 'build-probe.sh'), opts.static ? ['--static'] : [], {encoding: 'utf8'})
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').pop() ?? ''
    const fix = opts.static
      ? 'install a C compiler and a static libc (Debian: apt-get install -y gcc libc6-dev) or set CC, then run scripts/build-probe.sh --static'
      : 'install a C compiler (Debian: apt-get install -y gcc) or set CC, then run scripts/build-probe.sh'
    throw new InputError(`could not build the measurement probe${opts.static ? ' (static)' : ''}: ${why}`, fix)
  }
  return bin
}

/** Refuses early, with exit 2, where the probe cannot work: not Linux, or not root. */
export function requireRootLinux(command: string): void {
  if (process.platform !== 'linux')
    throw new InputError(
      `${command} measures the running Linux kernel; this is ${process.platform}`,
      `run densityplan ${command} on the Linux node you want to measure`,
    )
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new InputError(`${command} needs root (or CAP_SYS_ADMIN) to create mount namespaces and mounts`, `run it as root: sudo densityplan ${command} ...`)
  }
}

/** What one probe run printed, and how it ended. */
export interface ProbeRun {
  stdout: string
  stderr: string
  code: number
}

/**
 * Where the probe runs: a local child process (`localProbe`) or a pod on a cluster node through
 * the Kubernetes exec API (src/cluster/pod-exec.ts). Both take the probe's argv after the binary.
 */
export interface ProbeChannel {
  /** Where it runs, for messages: `this machine`, `node X (pod ns/name)`. */
  where: string
  run(args: readonly string[], timeoutMs: number): Promise<ProbeRun>
}

/** The probe binary at `bin`, spawned on this machine. */
export function localProbe(bin: string): ProbeChannel {
  return {where: 'this machine', run: (args, timeoutMs) => run(bin, [...args], timeoutMs)}
}

/** Runs one probe experiment and returns its parsed output. A string is a local binary. */
export async function runProbe(
  probe: string | ProbeChannel,
  experiment: string,
  args: readonly string[],
  opts: {timeoutMs?: number} = {},
): Promise<ProbeOutput> {
  const channel = typeof probe === 'string' ? localProbe(probe) : probe
  const {stdout, stderr, code} = await channel.run([experiment, ...args], opts.timeoutMs ?? 600_000)
  if (code !== 0 && !(experiment === 'run-load' && code === 3)) {
    const why = stderr.trim().split('\n').pop() ?? `exit ${code}`
    throw new InputError(
      `probe experiment '${experiment}' failed on ${channel.where}: ${why || `exit ${code}`}`,
      /EPERM|Operation not permitted/.test(stderr)
        ? 'run as root (or with CAP_SYS_ADMIN)'
        : 'run with --debug for the full probe output; check that the machine is Linux with mount namespaces',
    )
  }
  return parseProbeOutput(stdout, experiment)
}

function run(bin: string, args: string[], timeoutMs: number): Promise<ProbeRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolvePromise({stdout, stderr, code: code ?? (signal ? 128 : 1)})
    })
  })
}
