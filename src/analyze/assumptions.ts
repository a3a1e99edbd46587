import type {AnalysisResult, Assumption} from '../domain/analysis.js'
import type {ClusterSnapshot} from '../domain/snapshot.js'
import {DEFAULT_MAX_SURGE, type NodeClass} from '../profile/node-classes.js'
import {SWEEP_STOP_FACTOR, SAMPLES_PER_POINT} from './analyze-class.js'
import {describeMismatches} from './model-choice.js'
import type {AnalysisSettings} from './plan.js'
import {NODE_ASSUMPTIONS} from './sim-adapter.js'

/** The parts of an analyze request the assumptions mention. */
export interface AssumptionInputs {
  settings: AnalysisSettings
  /** --oci-runtime, when given. */
  ociRuntime?: string
  /** --model / --otn-model, when given (a pinned model is an override, not a default). */
  modelPath?: string
  otnModelPath?: string
}

/**
 * The assumptions section of a result: in words, each input the analysis inferred, defaulted or
 * took from an override, so a reader can see what the numbers rest on (report prose, built here
 * so that the use case in app/analyze.ts only wires inputs and outputs).
 */
export function assumptions(snapshot: ClusterSnapshot, classes: NodeClass[], results: AnalysisResult['classes'], req: AssumptionInputs): Assumption[] {
  const out: Assumption[] = []
  const perClass: Assumption[] = []
  for (const r of results)
    perClass.push(
      {id: `overhead/${r.id}`, source: r.overhead.source, text: `non-mount pod start time for ${r.id}: ${r.overhead.note}`},
      ...modelAssumptions(r, req),
    )
  // Sorted by id, as a shard merge sorts them (src/analyze/merge.ts), so merged and whole runs agree.
  out.push(...perClass.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
  const runtimes = new Map(classes.map((c) => [c.containerRuntime, c.oci]))
  for (const [cri, oci] of [...runtimes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out.push({
      id: `oci-runtime/${cri}`,
      source: req.ociRuntime ? 'override' : 'inferred',
      text: `${cri} → ${oci.name}: ${oci.basis}. The Node object does not show the OCI runtime; override with --oci-runtime.`,
    })
  }
  const measured = snapshot.derived.filter((d) => d.hostMountsSource === 'mountinfo').length
  out.push({
    id: 'host-mounts',
    source: measured === snapshot.derived.length && measured > 0 ? 'observed' : 'inferred',
    text: `host mount tables: real /proc/1/mountinfo counts on ${measured} node(s), estimated from pod specs on ${snapshot.derived.length - measured} (about 30 baseline mounts + the pod's sandbox, rootfs, tmpfs and CSI mounts). Other densities extrapolate with each class's mounts per pod.`,
  })
  out.push({
    id: 'burst',
    source: req.settings.burstOverride === undefined ? 'inferred' : 'override',
    text:
      req.settings.burstOverride === undefined
        ? `pods started at once at today's density: the largest of a rolling update (${DEFAULT_MAX_SURGE * 100}% maxSurge of a node's ReplicaSet pods), a drained node's refill (all its pods) and the busiest minute of Job creations; other densities keep the same share of the node's pods.`
        : `pods started at once at today's density: ${req.settings.burstOverride} (--burst); other densities keep the same share of the node's pods.`,
  })
  out.push({
    id: 'node',
    source: 'default',
    text: `each node runs ${NODE_ASSUMPTIONS.baseThreads} threads plus ${NODE_ASSUMPTIONS.threadsPerPod} per running pod (pivot_root walks all threads) and ${NODE_ASSUMPTIONS.readers} background mountinfo readers re-reading the table every ${NODE_ASSUMPTIONS.readerIntervalMs / 1000} s on average (systemd, kubelet/cadvisor, a node agent).`,
  })
  if (!snapshot.complete)
    out.push({
      id: 'snapshot/incomplete',
      source: 'observed',
      text: 'the snapshot is marked incomplete (a node or pod list did not finish): pools may be missing nodes or pods.',
    })
  snapshot.warnings.forEach((w, i) => out.push({id: `snapshot/warning-${i + 1}`, source: 'observed', text: `collect warned: ${w}`}))
  out.push({id: 'cpu-contention', source: req.settings.contention === 'measured' ? 'default' : 'override', text: contentionText(req.settings)})
  out.push({
    id: 'pod-shape',
    source: 'inferred',
    text: "each class simulates its average pod, with containers, init containers and mounts rounded to whole numbers; user-namespaced and hooked pods fall back to the legacy path at their class's share.",
  })
  out.push({
    id: 'sweep',
    source: 'default',
    text: `the density sweep stops at the first point whose p99 exceeds ${SWEEP_STOP_FACTOR}× the SLO; dense points start with fewer replications (at least 2) once one run holds ${SAMPLES_PER_POINT} pod starts; every point then adds replications (to 8 first, then about as many as the 1/√n shrinking of the interval predicts, at most doubling) until the p99's 95% CI half-width is at most ${Math.round(req.settings.targetHalfWidth * 100)}% of the p99, up to ${req.settings.maxReplications}.`,
  })
  return out
}

/**
 * Per class: a model from other hardware (kernel minor, CPU or cores differ) is an assumption,
 * and so is a calibration spread that moves today's p99. Ids start with `model/<class>` so
 * shard merges keep them with their class (src/analyze/merge.ts).
 */
export function modelAssumptions(r: AnalysisResult['classes'][number], req: Pick<AssumptionInputs, 'modelPath' | 'otnModelPath'>): Assumption[] {
  const out: Assumption[] = []
  if (!r.model) return out
  for (const path of ['legacy', 'otn'] as const) {
    const m = r.model[path]
    const pinned = path === 'legacy' ? req.modelPath : req.otnModelPath
    if (m.otherHardware) {
      out.push({
        id: `model/${r.id}/${path}/hardware`,
        source: pinned ? 'override' : 'default',
        text: `${r.id} runs its ${path} path on ${m.id} (${m.file}), measured on other hardware: ${describeMismatches(m.mismatches)}. Calibrate one of its nodes (densityplan calibrate) and pass the model with --models DIR to remove this assumption.`,
      })
    }
    if (m.spread) {
      out.push({
        id: `model/${r.id}/${path}/spread`,
        source: 'inferred',
        text: `${r.id} ${path} p99 today is ${r.results[path].today.podStart.p99Ms} ms on ${m.id}; ${m.spread.p99TodayMs[0]}–${m.spread.p99TodayMs[1]} ms with every coefficient at the low/high end of its calibration spread (widest: ${m.spread.widestCoefficient} ±${Math.round(m.spread.widestRelative * 50)}%).`,
      })
    }
  }
  return out
}

/** The contention setting in words, the same for every shard (each class's choice is in classes[].cpuContention). */
function contentionText(s: AnalysisSettings): string {
  const n = s.contentionCurve?.at(-1)?.busyCores
  if (n === undefined) return 'CPU contention: the legacy model has no contention curve, so none is simulated.'
  const curve = `the models' CPU-contention curve was measured on ${n} cores (slowdown ${s.contentionCurve!.at(-1)!.slowdown}× with all busy)`
  if (s.contention === 'none') return `CPU contention off (--contention none); ${curve}.`
  if (s.contention === 'scaled') return `CPU contention (--contention scaled, pessimistic): ${curve}, stretched onto every node's core count by busy fraction.`
  return `CPU contention (--contention measured): ${curve}; it applies to classes with ${n} cores, and classes with other core counts run with no contention (the curve says nothing about them; calibrate on such a node to measure its own).`
}
