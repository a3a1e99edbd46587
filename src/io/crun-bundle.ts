import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {InputError} from '../errors/errors.js'

/** A temporary OCI bundle: busybox rootfs + config.json running /bin/true. */
export interface CrunBundle {
  dir: string
  /** Mounts in one container's namespace, counted inside a real container (k_c). */
  containerMounts: number
  remove(): void
}

interface OciConfig {
  process: {args: string[]; terminal: boolean}
  linux: {namespaces: Array<{type: string}>}
  [key: string]: unknown
}

/** Finds crun on PATH or refuses with the install command. */
export function requireCrun(): string {
  const r = spawnSync('crun', ['--version'], {encoding: 'utf8'})
  if (r.status !== 0)
    throw new InputError(
      'crun is not installed (validate starts real containers with it)',
      'install it: sudo scripts/test-prereqs.sh (or apt-get install -y crun busybox-static)',
    )
  return (r.stdout.split('\n')[0] ?? 'crun').trim()
}

/**
 * Builds the bundle in a fresh temp dir with scripts/build-rootfs.sh and `crun spec`. The
 * default spec is kept (proc, sysfs, dev, devpts, shm, mqueue, cgroup, masked and read-only
 * paths: what a runtime mounts for a plain container) except the network namespace, which an
 * app container joins from its pod sandbox rather than creates.
 */
export function buildCrunBundle(root: string): CrunBundle {
  const dir = mkdtempSync(join(tmpdir(), 'densityplan-bundle-'))
  const remove = () => rmSync(dir, {recursive: true, force: true})
  try {
    const rootfs = spawnSync(join(root, 'scripts', 'build-rootfs.sh'), [dir], {encoding: 'utf8'})
    if (rootfs.status !== 0)
      throw new InputError(
        `could not build the container rootfs: ${rootfs.stderr.trim().split('\n').pop() ?? ''}`,
        'install busybox-static: sudo scripts/test-prereqs.sh',
      )
    const spec = spawnSync('crun', ['spec'], {cwd: dir, encoding: 'utf8'})
    if (spec.status !== 0) throw new InputError(`crun spec failed: ${spec.stderr.trim()}`, 'check the crun installation (crun --version)')
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as OciConfig
    config.process.args = ['/bin/true']
    config.process.terminal = false
    config.linux.namespaces = config.linux.namespaces.filter((n) => n.type !== 'network')
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
    writeFileSync(
      join(dir, 'config-count.json'),
      JSON.stringify({...config, process: {...config.process, args: ['/bin/busybox', 'cat', '/proc/self/mountinfo']}}),
    )
    return {dir, containerMounts: countContainerMounts(dir), remove}
  } catch (err) {
    remove()
    throw err
  }
}

/**
 * The crun command line for one start, inside a namespace prepared by the probe. crun refuses
 * the host's hybrid cgroup layout, so the probe mounts a pure cgroup2 at /sys/fs/cgroup in its
 * private namespace and crun runs with --cgroup-manager=disabled. `{id}` is the start number.
 */
export function crunRunCommand(bundleDir: string, configName = 'config.json'): string[] {
  return ['crun', '--cgroup-manager=disabled', 'run', '--config', join(bundleDir, configName), '--bundle', bundleDir, 'densityplan-{id}']
}

/** Starts one container that prints its own mountinfo, in a throwaway private namespace. */
function countContainerMounts(dir: string): number {
  const cmd = crunRunCommand(dir, 'config-count.json')
    .map((a) => a.replace('{id}', 'count'))
    .join(' ')
  const script = `mount -t cgroup2 cgroup2 /sys/fs/cgroup && mount -t tmpfs tmpfs /run && exec ${cmd}`
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {encoding: 'utf8'})
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '').length
  if (r.status !== 0 || lines === 0)
    throw new InputError(
      `a test container failed to start: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`}`,
      'run as root on Linux with crun installed; try: sudo scripts/test-prereqs.sh',
    )
  return lines
}
