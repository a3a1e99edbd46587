import type {AnalysisResult, Assumption} from '../domain/analysis.js'
import {PATH_LABEL} from './charts/common.js'
import {classModelRows} from './class-models.js'
import {formatInt, formatMs} from '../lib/format.js'
import {badge, el, join, list, table, type Html} from './html-kit.js'

/**
 * What Linux 7.0's nullfs means for node images, used when the result carries no note of its
 * own. Source: the "fs: add immutable rootfs" series (Documentation/filesystems/
 * ramfs-rootfs-initramfs.rst): nullfs is an immutable, empty root with the initramfs rootfs
 * mounted on top, which is what lets pivot_root() leave an initramfs.
 */
export const DEFAULT_NULLFS_NOTE =
  'Linux 7.0 can put nullfs, an empty immutable filesystem, at the root of the mount tree with the initramfs (rootfs) mounted on top of it (boot option nullfs_rootfs in the series that added it). ' +
  'pivot_root() out of an initramfs then works, where boot code used to need switch_root (delete the initramfs contents, mount --move the real root over /, chroot). ' +
  'systemd tries pivot_root() first and falls back to the move, and switch_root keeps working, so standard node images boot unchanged; custom init scripts that assumed pivot_root() fails from the initramfs should be tested. ' +
  "OPEN_TREE_NAMESPACE builds each container namespace on such a nullfs root with only the container's rootfs on it, instead of a copy of the host table."

const SOURCE_TONE: Record<Assumption['source'], 'ok' | 'warn' | 'bad'> = {observed: 'ok', override: 'ok', inferred: 'warn', default: 'warn'}

/** Assumptions, method settings, model provenance and the nullfs note. */
export function notesSection(result: AnalysisResult): Html {
  const s = result.settings
  const assumptions = result.assumptions.length
    ? table(
        [{title: 'Assumption'}, {title: 'Source'}],
        result.assumptions.map((a) => [a.text, badge(a.source, SOURCE_TONE[a.source])]),
      )
    : el('p', {}, 'No assumptions recorded.')
  const method = list([
    `SLO: p99 pod start ≤ ${formatMs(s.sloMs)}. (The Kubernetes SLO excludes image pulls and init containers; the assumptions above say what this run's non-mount time includes.)`,
    `Sweep: ${formatInt(s.sweepPoints)} densities; burst sizes ${s.burstSizes.map((b) => formatInt(b)).join(', ')} pods.`,
    `Quantiles: ${s.quantileMethod}. Confidence intervals: ${s.ciMethod}.`,
    `Seed ${result.seed}, ${formatInt(result.replications)} replications per point: the same inputs and seed give byte-identical results.`,
  ])
  const models = table(
    [{title: 'Path'}, {title: 'Model'}, {title: 'File'}, {title: 'SHA-256'}, {title: 'Measured on kernel'}, {title: 'CPU'}, {title: 'Date'}],
    (['legacy', 'otn'] as const).map((path) => {
      const m = result.models[path]
      return [
        el('span', {class: path}, PATH_LABEL[path]),
        el('span', {class: 'mono'}, m.id),
        el('span', {class: 'mono'}, m.file),
        el('span', {class: 'mono', title: m.sha256}, `${m.sha256.slice(0, 16)}…`),
        m.measuredOnKernel,
        m.cpu,
        m.date,
      ]
    }),
  )
  const rows = classModelRows(result)
  const perClass = rows.length
    ? table(
        [{title: 'Class'}, {title: 'Path'}, {title: 'Model'}, {title: 'Hardware match'}, {title: 'p99 today at spread low – high'}],
        rows.map((r) => [
          el('span', {class: 'mono'}, r.classId),
          el('span', {class: r.path}, PATH_LABEL[r.path]),
          el('span', {class: 'mono', title: r.file}, r.model),
          join([badge(r.otherHardware ? 'assumption' : 'match', r.otherHardware ? 'warn' : 'ok'), ' ', r.match]),
          r.spread,
        ]),
      )
    : undefined
  return join([
    el('h3', {}, 'Assumptions'),
    assumptions,
    el('h3', {}, 'Method'),
    method,
    el('h3', {}, 'Kernel models'),
    models,
    ...(perClass ? [el('h3', {}, 'Kernel model per node class'), perClass] : []),
    el('h3', {}, 'nullfs and node images'),
    el('p', {}, result.nullfsNote.trim() || DEFAULT_NULLFS_NOTE),
  ])
}
