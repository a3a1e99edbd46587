import type {AnalysisResult} from '../domain/analysis.js'
import {describeMismatches} from '../analyze/model-choice.js'
import {formatMs} from '../lib/format.js'

/** One row of the per-class model table: which model a class ran on, per path, and whether it is from other hardware. */
export interface ClassModelRow {
  classId: string
  path: 'legacy' | 'otn'
  model: string
  file: string
  otherHardware: boolean
  /** `same kernel, CPU and cores`, or the mismatches; says when the CPU could not be compared. */
  match: string
  /** Today's p99 at the low–high end of the model's calibration spread, or an em dash without one. */
  spread: string
}

/** The rows of the per-class model table (HTML and Markdown), empty for results written before per-class models. */
export function classModelRows(result: AnalysisResult): ClassModelRow[] {
  return result.classes.flatMap((c) =>
    c.model
      ? (['legacy', 'otn'] as const).map((path) => {
          const m = c.model![path]
          const cpuNote = m.cpuCompared ? '' : ' (CPU model not reported by the Node object: not compared)'
          return {
            classId: c.id,
            path,
            model: m.id,
            file: m.file,
            otherHardware: m.otherHardware,
            match:
              (m.otherHardware
                ? `other hardware: ${describeMismatches(m.mismatches)}`
                : path === 'otn' && m.mismatches.length === 0
                  ? 'same CPU and cores'
                  : 'same kernel and cores') + cpuNote,
            spread: m.spread ? `${formatMs(m.spread.p99TodayMs[0])} – ${formatMs(m.spread.p99TodayMs[1])}` : '—',
          }
        })
      : [],
  )
}

/**
 * The kernel-model lines of a pool's sensitivity panel: one per class of the pool whose model was
 * measured on other hardware or carries a calibration spread. The panel's variations do not vary
 * the model; these lines say how far each class's answer rests on it.
 */
export function poolModelNotes(result: AnalysisResult, classIds: readonly string[]): string[] {
  const out: string[] = []
  for (const c of result.classes) {
    if (!classIds.includes(c.id) || !c.model) continue
    for (const path of ['legacy', 'otn'] as const) {
      const m = c.model[path]
      const parts: string[] = []
      if (m.otherHardware) parts.push(`measured on other hardware (${describeMismatches(m.mismatches)})`)
      if (m.spread) parts.push(`p99 today ${formatMs(m.spread.p99TodayMs[0])} – ${formatMs(m.spread.p99TodayMs[1])} across its calibration spread`)
      if (parts.length) out.push(`${c.id}, ${path} path, model ${m.id}: ${parts.join('; ')}`)
    }
  }
  return out
}
