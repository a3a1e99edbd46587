import type {AnalysisResult, Blocker, PoolResult} from '../domain/analysis.js'
import {PATH_SHORT} from './charts/common.js'
import {formatDecimal, formatFactor, formatInt, formatMs, formatMsInterval, formatPercent, formatSigned} from '../lib/format.js'
import {badge, el, join, table, type Html} from './html-kit.js'
import {formatDensity} from '../domain/density-text.js'

/** Pools: what runs where today (kernels, runtimes, images, density, mount table). */
export function poolsTable(result: AnalysisResult): Html {
  return table(
    [
      {title: 'Pool'},
      {title: 'Nodes', num: true},
      {title: 'Pods', num: true},
      {title: 'Pods/node today', num: true},
      {title: 'kubelet maxPods', num: true},
      {title: 'Host mounts', num: true},
      {title: 'Kernels'},
      {title: 'Container runtimes'},
      {title: 'OS images'},
    ],
    result.pools.map((p) => [
      el('strong', {}, p.name),
      formatInt(p.nodeCount),
      formatInt(p.podCount),
      formatInt(p.podsPerNodeToday),
      formatInt(p.maxPods),
      formatInt(p.hostMountsToday),
      counted(p.kernels.map((k) => [k.release, k.nodes])),
      counted(p.containerRuntimes.map((r) => [r.name, r.nodes])),
      counted(p.osImages.map((i) => [`${i.image}${i.kernelOtnCapable ? ' (OTN-capable kernel)' : ''}`, i.nodes])),
    ]),
  )
}

function counted(items: Array<[string, number]>): Html {
  return join(items.map(([name, nodes]) => el('div', {class: 'nowrap'}, name, el('span', {class: 'meta'}, ` × ${formatInt(nodes)}`))))
}

/** Node classes: how nodes were grouped, the pod shape that drives the model, and each class's result. */
export function classesTables(result: AnalysisResult): Html {
  const grouping = table(
    [
      {title: 'Class'},
      {title: 'Pool'},
      {title: 'Nodes', num: true},
      {title: 'Example nodes'},
      {title: 'Kernel'},
      {title: 'Container runtime'},
      {title: 'OCI runtime'},
      {title: 'OTN today'},
      {title: 'Cores', num: true},
    ],
    result.classes.map((c) => [
      el('strong', {class: 'mono'}, c.id),
      c.pool,
      formatInt(c.nodeCount),
      join([
        c.sampleNodes.slice(0, 3).join(', '),
        c.nodeCount > 3 ? el('span', {class: 'meta'}, ` +${formatInt(c.nodeCount - Math.min(3, c.sampleNodes.length))} more`) : '',
      ]),
      c.kernel,
      c.containerRuntime,
      c.ociRuntime,
      c.otnCapableToday ? badge('yes', 'ok') : badge('no', 'bad'),
      formatInt(c.cores),
    ]),
    'Nodes with the same pool, kernel, runtime path and near-identical mount profile are simulated once, as a class.',
  )
  const shape = table(
    [
      {title: 'Class'},
      {title: 'Pods/node', num: true},
      {title: 'Host mounts', num: true},
      {title: 'Mounts/pod', num: true},
      {title: 'Containers/pod', num: true},
      {title: 'Runtime mounts/container', num: true},
      {title: 'userns pods', num: true},
      {title: 'Hooked pods', num: true},
      {title: 'Burst', num: true},
      {title: 'Non-mount p50', num: true},
    ],
    result.classes.map((c) => [
      el('span', {class: 'mono'}, c.id),
      formatInt(c.podsPerNodeToday),
      formatInt(c.hostMountsToday),
      formatDecimal(c.hostMountsPerPod),
      `${formatDecimal(c.podShape.containersPerPod)} (+${formatDecimal(c.podShape.initContainersPerPod)} init)`,
      formatDecimal(c.podShape.runtimeMountsPerContainer),
      formatPercent(c.podShape.userNamespacePodFraction),
      formatPercent(c.podShape.hookedPodFraction),
      `${formatInt(c.bursts.chosen)} (${c.bursts.source})`,
      `${formatMs(c.overhead.p50Ms)} (${c.overhead.source})`,
    ]),
    "Burst: pods started at once at today's density. Non-mount p50: kubelet, CNI and runtime time outside the mount path, observed or a documented default.",
  )
  const outcome = table(
    [
      {title: 'Class'},
      {title: 'Path'},
      {title: 'p50 today', num: true},
      {title: 'p99 today', num: true},
      {title: 'p99 95% CI', num: true},
      {title: 'Container start p99', num: true},
      {title: 'Lock utilisation', num: true},
      {title: 'Max pods/node (limit)', num: true},
      {title: 'Pods on path', num: true},
    ],
    result.classes.flatMap((c) =>
      (['legacy', 'otn'] as const).map((path) => {
        const r = c.results[path]
        return [
          el('span', {class: 'mono'}, c.id),
          el('span', {class: path}, PATH_SHORT[path]),
          formatMs(r.today.podStart.p50Ms),
          el('strong', {}, formatMs(r.today.podStart.p99Ms)),
          formatMsInterval(r.today.podStart.ci95.p99Ms),
          formatMs(r.today.containerStart.p99Ms),
          formatPercent(r.today.lockUtilization),
          formatDensity(c.density[path], {binding: true}),
          formatPercent(r.podsOnPathFraction),
        ]
      }),
    ),
    "Simulated at today's density with the class's burst. Lock utilisation: share of the burst during which namespace_sem was held.",
  )
  const deltas = table(
    [{title: 'Class'}, {title: 'p99 change today', num: true}, {title: 'p99 speed-up', num: true}, {title: 'Pods/node gain', num: true}],
    result.classes.map((c) => [
      el('span', {class: 'mono'}, c.id),
      formatSignedMs(c.delta.p99TodayMs),
      formatFactor(c.delta.p99Speedup),
      formatSigned(c.delta.podsPerNodeGain),
    ]),
  )
  return join([
    el('h3', {}, 'Grouping'),
    grouping,
    el('h3', {}, 'Pod shape'),
    shape,
    el('h3', {}, 'Results per class'),
    outcome,
    el('h3', {}, 'OTN vs legacy'),
    deltas,
  ])
}

function formatSignedMs(ms: number): string {
  return ms < 0 ? `−${formatMs(-ms)}` : `+${formatMs(ms)}`
}

const BLOCKER_TEXT: Record<Blocker['kind'], string> = {
  kernel: 'Kernel older than 7.0',
  'oci-runtime': 'OCI runtime without OPEN_TREE_NAMESPACE',
  'containerd-default': 'containerd defaults to runc',
  'user-namespaces': 'User-namespaced pods (crun falls back)',
  hooks: 'OCI hooks (crun falls back)',
}

/** Readiness: what keeps each pool's pods off the OTN path, with the fix. */
export function readinessSection(result: AnalysisResult): Html {
  return join(
    result.pools.map((p) =>
      join([
        el('h3', {}, p.name, ' ', readinessBadge(p)),
        el(
          'p',
          {class: 'meta'},
          p.readiness.otnCapableNodes === p.nodeCount
            ? `All ${formatInt(p.nodeCount)} nodes can take the OTN path today; ${formatPercent(p.readiness.otnEligiblePodFraction)} of pods do (the rest stay on the legacy path on any kernel).`
            : `${formatInt(p.readiness.otnCapableNodes)} of ${formatInt(p.nodeCount)} nodes can take the OTN path today; after the upgrade, ${formatPercent(p.readiness.otnEligiblePodFraction)} of pods would.`,
        ),
        p.readiness.blockers.length === 0
          ? el('p', {}, 'Nothing blocks the OTN path in this pool.')
          : table(
              [{title: 'Blocker'}, {title: 'Nodes', num: true}, {title: 'Pods', num: true}, {title: 'Detail'}, {title: 'Fix'}],
              p.readiness.blockers.map((b) => [BLOCKER_TEXT[b.kind], formatInt(b.affectedNodes), formatInt(b.affectedPods), b.detail, b.fix]),
            ),
      ]),
    ),
  )
}

function readinessBadge(p: PoolResult): Html {
  if (p.readiness.otnCapableNodes === p.nodeCount && p.readiness.blockers.length === 0) return badge('ready', 'ok')
  if (p.readiness.otnCapableNodes > 0) return badge('partly ready', 'warn')
  return badge('not ready', 'bad')
}
