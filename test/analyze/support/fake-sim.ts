import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {ClassRunSample, SimulateFn} from '../../../src/analyze/class-run.js'
import type {ClassJob} from '../../../src/analyze/run-classes.js'
import {KernelModelSchema} from '../../../src/model/schema.js'
import type {NodeClass} from '../../../src/profile/node-classes.js'

/**
 * A hand-computable stand-in for the simulator. Pods start one after another through one lock:
 * pod i (0-based) waits i × hold and then holds it once, where hold is 0.01 ms per host mount on
 * the legacy path and a flat 1 ms on OTN (the docs/model.md shapes, without the queueing
 * detail). Its start is overhead median + wait + hold, plus `noiseMs` × a seed-derived
 * fraction, so tests can tell seeds apart.
 */
export function fakeSimulator(opts: {noiseMs?: number; calls?: Array<{path: string; burst: number; density: number; contention?: string}>} = {}): SimulateFn {
  return (spec, seed) => {
    opts.calls?.push({path: spec.path, burst: spec.burstPods, density: spec.podsRunning + spec.burstPods, contention: spec.contention})
    const holdMs = spec.path === 'legacy' ? 0.01 * spec.hostMounts : 1
    const noise = ((seed % 1000) / 1000) * (opts.noiseMs ?? 0)
    const n = spec.burstPods
    const podStartMs = new Float64Array(n)
    const lockWaitMs = new Float64Array(n)
    const lockHoldMs = new Float64Array(n).fill(holdMs)
    for (let i = 0; i < n; i++) {
      lockWaitMs[i] = i * holdMs
      podStartMs[i] = spec.overhead.medianMs + lockWaitMs[i]! + holdMs + noise
    }
    const sample: ClassRunSample = {podStartMs, containerStartMs: lockHoldMs.map((h) => h + 50), lockWaitMs, lockHoldMs, lockUtilization: n > 1 ? 0.9 : 0.1}
    return sample
  }
}

/** A node class with round numbers; override what a test needs. */
export function nodeClass(over: Partial<NodeClass> = {}): NodeClass {
  return {
    id: 'web-abc123',
    pool: 'web',
    nodeNames: ['web-0', 'web-1'],
    kernel: '6.8.0',
    osImage: 'Ubuntu 24.04',
    containerRuntime: 'containerd://1.7.24',
    oci: {name: 'runc', usesOtn: false, basis: 'containerd default runtime (inferred)'},
    otnCapableToday: false,
    cores: 8,
    maxPods: 110,
    hostMountsToday: 1000,
    hostMountsPerPod: 10,
    podsPerNodeToday: 40,
    podCount: 80,
    podShape: {
      containersPerPod: 1,
      initContainersPerPod: 0,
      hostMountsPerPod: 10,
      runtimeMountsPerContainer: 28,
      userNamespacePodFraction: 0,
      hookedPodFraction: 0,
    },
    observedStartMs: [],
    kubeletSli: null,
    bursts: {rollingUpdate: 10, drainRefill: 40, jobWave: 1},
    capacity: {requestsPerPod: null, podCIDR: null, bounds: [{limit: 'max-pods', pods: over.maxPods ?? 110, status: 'limit', detail: 'kubelet maxPods'}]},
    ...over,
  }
}

/** The fixture legacy model (round numbers, no spread): a model pool for runClassJob with a fake simulator. */
export const FIXTURE_MODEL = KernelModelSchema.parse(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'models', 'test-legacy.json'), 'utf8')),
)

/** A class job whose two paths both run on FIXTURE_MODEL (index 0 of the pool), described as matching hardware. */
export function fakeJob(cls: NodeClass): ClassJob {
  const info = {
    id: FIXTURE_MODEL.id,
    file: 'test/fixtures/models/test-legacy.json',
    sha256: '0'.repeat(64),
    score: 0,
    mismatches: [],
    otherHardware: false,
    cpuCompared: false,
  }
  return {cls, poolObservedMs: [], poolSli: null, models: {legacy: 0, otn: 0, info: {legacy: info, otn: info}}}
}
