import type {KernelPath} from '../domain/analysis.js'
import type {KernelModel} from '../model/schema.js'
import {kernelHasOtn, parseVersion} from '../profile/runtime-path.js'

/**
 * Which kernel model a node class gets, from the models available (models/ or `--models DIR`).
 *
 * The score is lexicographic, in this order (docs/model.md, "Which model a class gets"):
 *   1. kernel major.minor equal to the class's (weight 400; the kernel code is the model's subject),
 *   2. CPU model equal (weight 200): known when the model was measured on one of the class's
 *      own nodes (`calibrate --node`, provenance.node.name) or the class's CPU model is known.
 *      Kubernetes Node objects report the architecture, not the CPU model, so otherwise only a
 *      different architecture can be seen, and that counts as a different CPU,
 *   3. core count equal (weight 100).
 * Below those, as tie-breakers that never outrank a higher criterion: the same kernel major
 * (+40), the nearer core count (up to +20, by |log2(model cores / class cores)|), then the
 * newest measurement, then the greatest id, so the choice never depends on directory order.
 *
 * For the OTN path the model's kernel is the one the class would upgrade to, so the kernel is
 * compared only for classes that already run a kernel with OPEN_TREE_NAMESPACE.
 */
export interface ClassHardware {
  kernel: string
  cores: number
  /** Kubernetes architecture (amd64, arm64), when known. */
  arch?: string
  /** CPU model string, when known (Node objects do not report it). */
  cpu?: string
  /** The class's nodes: a model measured on one of them (`calibrate --node`) has the same CPU by construction. */
  nodeNames?: readonly string[]
}

export interface HardwareMismatch {
  field: 'kernel' | 'cpu' | 'cores'
  /** The model's value and the class's, as shown to the user. */
  model: string
  node: string
}

export interface ModelChoice<T> {
  chosen: T
  score: number
  /** Where the chosen model's machine differs from the class's nodes (empty: same hardware as far as known). */
  mismatches: HardwareMismatch[]
  /** False when the class's CPU model is unknown, so the CPU could not be compared. */
  cpuCompared: boolean
}

export function scoreModel(model: KernelModel, hw: ClassHardware, path: KernelPath): Omit<ModelChoice<KernelModel>, 'chosen'> {
  const mismatches: HardwareMismatch[] = []
  let score = 0
  const compareKernel = path === 'legacy' || kernelHasOtn(hw.kernel)
  if (compareKernel) {
    const m = parseVersion(model.kernel.release)
    const n = parseVersion(hw.kernel)
    if (m && n && m.major === n.major && m.minor === n.minor) score += 400
    else {
      if (m && n && m.major === n.major) score += 40
      mismatches.push({field: 'kernel', model: model.kernel.release, node: hw.kernel})
    }
  }
  const p = model.provenance
  const modelArch = p.arch ?? p.node?.architecture
  let cpuCompared = false
  if (p.node && hw.nodeNames?.includes(p.node.name)) {
    cpuCompared = true
    score += 200
  } else if (hw.cpu !== undefined) {
    cpuCompared = true
    if (normalise(hw.cpu) === normalise(p.cpu)) score += 200
    else mismatches.push({field: 'cpu', model: p.cpu, node: hw.cpu})
  } else if (hw.arch !== undefined && modelArch !== undefined && hw.arch !== modelArch) {
    cpuCompared = true
    mismatches.push({field: 'cpu', model: `${p.cpu} (${modelArch})`, node: `${hw.arch} (CPU model not reported)`})
  }
  if (p.cores === hw.cores) score += 100
  else mismatches.push({field: 'cores', model: String(p.cores), node: String(hw.cores)})
  score += Math.max(0, 20 - 5 * Math.abs(Math.log2(p.cores / Math.max(1, hw.cores))))
  return {score: Math.round(score * 1000) / 1000, mismatches, cpuCompared}
}

/** Models that can stand for a path: their `path` field, or (OTN) a kernel with OPEN_TREE_NAMESPACE. */
export function modelsForPath<T extends {model: KernelModel}>(candidates: readonly T[], path: KernelPath): T[] {
  return candidates.filter((c) => c.model.path === path || (path === 'otn' && c.model.kernel.openTreeNamespace))
}

/** The best-scoring candidate for the class on this path (see the score above); undefined when none fits the path. */
export function chooseModel<T extends {model: KernelModel}>(candidates: readonly T[], hw: ClassHardware, path: KernelPath): ModelChoice<T> | undefined {
  let best: ModelChoice<T> | undefined
  for (const c of modelsForPath(candidates, path)) {
    const s = scoreModel(c.model, hw, path)
    if (!best || s.score > best.score || (s.score === best.score && newer(c.model, best.chosen.model))) best = {chosen: c, ...s}
  }
  return best
}

function newer(a: KernelModel, b: KernelModel): boolean {
  const ta = Date.parse(a.provenance.date)
  const tb = Date.parse(b.provenance.date)
  const da = Number.isNaN(ta) ? -Infinity : ta
  const db = Number.isNaN(tb) ? -Infinity : tb
  return da !== db ? da > db : a.id > b.id
}

const normalise = (cpu: string) => cpu.trim().replace(/\s+/g, ' ').toLowerCase()

/** One line naming every mismatch, e.g. `kernel 6.18.44 vs the nodes' 6.8.0-1021-aws; 2 cores vs 16`. */
export function describeMismatches(ms: readonly HardwareMismatch[]): string {
  return ms
    .map((m) =>
      m.field === 'cores'
        ? `${m.model} cores vs the nodes' ${m.node}`
        : m.field === 'kernel'
          ? `kernel ${m.model} vs the nodes' ${m.node}`
          : `CPU ${m.model} vs the nodes' ${m.node}`,
    )
    .join('; ')
}
