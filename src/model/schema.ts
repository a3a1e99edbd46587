import {z} from 'zod'
import {
  aboveLimit,
  KERNEL_HZ_RANGE,
  MAX_EMPIRICAL_SAMPLES,
  MAX_FORK_EXEC_NS,
  MAX_KERNEL_OP_NS,
  MAX_PER_UNIT_NS,
  MAX_SHAPE_RATIO,
  MAX_SLOWDOWN_PER_BUSY_CORE,
} from '../domain/limits.js'
import {KernelPathSchema} from '../domain/analysis.js'

/**
 * The kernel cost model file format (models/*.json). One file describes one kernel as measured
 * on one machine: every cost the simulator charges, each with the command that measured it.
 * The schema is the single source of the TypeScript type; unknown keys are rejected so a typo
 * in a hand-edited file is an error, not a silently ignored default.
 *
 * Each cost is named after the kernel step it stands for (docs/kernel-model.md "Parameter
 * names"); a linear cost a + b·x is {fixedNs, perUnitNs}. All times are nanoseconds.
 */

const nonNegativeNs = z.number().finite().nonnegative()
/** A duration with a physical limit (src/domain/limits.ts); a value above it names the value and the limit. */
const cappedNs = (limit: number, why: string): z.ZodNumber => nonNegativeNs.max(limit, {error: (iss) => aboveLimit(Number(iss.input), limit, why)})
const opNs = cappedNs(MAX_KERNEL_OP_NS, 'the kernel RCU stall timeout, 21 s')
const perUnitNs = cappedNs(MAX_PER_UNIT_NS, '1 ms per unit, ~1,000x the measured costs')

/** How one parameter was measured: the exact command, how many samples, and fit quality. */
export const MeasurementSourceSchema = z.strictObject({
  command: z.string().min(1),
  samples: z.number().int().positive(),
  /** Coefficient of determination of the least-squares fit, for linear costs. */
  r2: z.number().min(0).max(1).optional(),
  /** Spread of the fit residuals (p90 of |residual|), nanoseconds. */
  residualP90Ns: nonNegativeNs.optional(),
  note: z.string().optional(),
})

/**
 * The low and high value of one coefficient across the repetition groups of one calibrate run
 * (src/model/spread.ts): how far the same measurement moved within the run. Optional, so model
 * files written before it existed still load; analyze treats a missing spread as none.
 */
export const CoefficientRangeSchema = z
  .strictObject({low: nonNegativeNs, high: nonNegativeNs})
  .refine((r) => r.low <= r.high, {message: 'low must not exceed high'})

/** How a spread was obtained, e.g. `min/max over 3 interleaved repetition groups, each fitted alone`. */
const spreadMethod = z.string().min(1)

/**
 * The measured shape of a linear cost: at each measured input x[i], the median measurement ÷ the
 * line, ratio[i]. The cost is then the line times that ratio at the measured inputs, straight
 * between them, and the line times the nearest end's ratio outside them (src/model/linear-cost.ts).
 * calibrate writes one for the mount-table costs (copy, chtype, umount), whose cost per mount is not
 * constant (docs/calibrate.md, "The measured shape of the mount-table costs"). Optional: without it
 * the cost is the line. Ratios, not nanoseconds, so a cost scaled or swapped for its spread keeps
 * its shape.
 */
export const CostShapeSchema = z
  .strictObject({
    x: z.array(z.number().finite().nonnegative()).min(2).max(64),
    ratio: z
      .array(
        z
          .number()
          .finite()
          .positive()
          .max(MAX_SHAPE_RATIO, {error: (iss) => aboveLimit(Number(iss.input), MAX_SHAPE_RATIO, 'a measured cost 100x its own line is a broken fit')}),
      )
      .min(2)
      .max(64),
  })
  .refine((s) => s.x.length === s.ratio.length, {message: 'x and ratio must have the same length'})
  .refine((s) => s.x.every((v, i) => i === 0 || v > s.x[i - 1]!), {message: 'x must be strictly ascending'})

/** A cost linear in one input: fixedNs + perUnitNs·x, fitted by least squares, optionally with its measured shape. */
export const LinearCostSchema = z.strictObject({
  fixedNs: opNs,
  perUnitNs: perUnitNs,
  unit: z.enum(['mount', 'thread', 'line', 'peer']),
  source: MeasurementSourceSchema,
  spread: z.strictObject({fixedNs: CoefficientRangeSchema, perUnitNs: CoefficientRangeSchema, method: spreadMethod}).optional(),
  shape: CostShapeSchema.optional(),
})

/** A constant cost (one runtime mount attach, one propagation step). */
export const FixedCostSchema = z.strictObject({
  ns: opNs,
  source: MeasurementSourceSchema,
  spread: z.strictObject({ns: CoefficientRangeSchema, method: spreadMethod}).optional(),
})

/**
 * A random duration. `lognormal` is fitted from a median and p90; `empirical` resamples the
 * measured values (sorted, nanoseconds).
 */
export const DurationDistributionSchema = durationDistribution(MAX_KERNEL_OP_NS, 'the kernel RCU stall timeout, 21 s')

/**
 * rcu_sync of cgroup_threadgroup_rwsem as a container start sees it (docs/calibrate.md, "Where a
 * lone start waits"): a mount waits `gp` when the previous one on the node left at
 * least `windowNs` ago, and none otherwise.
 */
export const CgroupSyncSchema = z.strictObject({
  windowNs: opNs,
  /**
   * The window as a distribution: the share of mounts that waited at each measured gap (its CDF;
   * gaps ascending, shares not falling). The simulator then draws a window at every exit
   * instead of using windowNs. Optional.
   */
  windowCdf: z
    .array(z.strictObject({gapNs: opNs, waitedShare: z.number().min(0).max(1)}))
    .min(1)
    .refine((ps) => ps.every((p, i) => i === 0 || (p.gapNs > ps[i - 1]!.gapNs && p.waitedShare >= ps[i - 1]!.waitedShare)), {
      error: 'gaps must ascend and shares must not fall',
    })
    .optional(),
  gp: DurationDistributionSchema,
  /**
   * Longer grace periods after a mass detach (docs/calibrate.md, "A grace period after a mass
   * detach is longer"): a wait that starts t ns after a detach of at least `minMounts` mounts (a
   * legacy start's old-root umount), while a core is idle, draws from the `gp` of the first band
   * with t < `untilNs`; after the last band, from `gp` above. Optional: models calibrated before
   * 2026-12-01 lack it.
   */
  afterDetach: z
    .strictObject({
      minMounts: z.number().int().positive(),
      bands: z
        .array(z.strictObject({untilNs: opNs.positive(), gp: DurationDistributionSchema}))
        .min(1)
        .refine((bs) => bs.every((b, i) => i === 0 || b.untilNs > bs[i - 1]!.untilNs), {error: 'band ends (untilNs) must ascend'}),
    })
    .optional(),
  source: MeasurementSourceSchema,
})

/** The same with another upper limit (forkExecOverhead: kubelet's runtime request timeout). */
function durationDistribution(limitNs: number, why: string) {
  const ns = cappedNs(limitNs, why)
  return z.discriminatedUnion('kind', [
    z.strictObject({kind: z.literal('fixed'), ns, source: MeasurementSourceSchema}),
    z
      .strictObject({
        kind: z.literal('lognormal'),
        medianNs: ns.positive(),
        p90Ns: ns.positive(),
        source: MeasurementSourceSchema,
      })
      .refine((d) => d.p90Ns >= d.medianNs, {
        path: ['p90Ns'],
        error: (iss) =>
          `p90Ns must be at least medianNs (a 90th percentile below the median is not a distribution), got ${(iss.input as {p90Ns: number}).p90Ns} < ${(iss.input as {medianNs: number}).medianNs}`,
      }),
    z.strictObject({
      kind: z.literal('empirical'),
      samplesNs: z.array(ns).min(1).max(MAX_EMPIRICAL_SAMPLES),
      source: MeasurementSourceSchema,
    }),
  ])
}

/**
 * CPU work inflation when several cores are busy at once (shared caches, memory bandwidth,
 * kernel-wide fork/exec/exit work): slowdown(b) = CPU time per fork+exec of /bin/true with b
 * parallel loops ÷ the same with one loop, for b = 1..cores of the measured machine
 * (slowdown(1) = 1). The simulator reads it by busy fraction b/cores, so it applies to a node
 * with any core count (src/sim/cpu-contention.ts).
 */
export const CpuContentionSchema = z
  .strictObject({
    points: z
      .array(
        z.strictObject({
          busyCores: z.number().int().positive().max(1024),
          /** Busy cores cannot make one core faster: a slowdown below 1 is measurement noise, and calibrate clamps it to 1 with a note. */
          slowdown: z.number().finite().min(1),
          /** Lowest and highest slowdown over the run's repetitions (optional, like every spread). */
          low: z.number().finite().min(1).optional(),
          high: z.number().finite().min(1).optional(),
        }),
      )
      .min(1)
      .max(1024),
    source: MeasurementSourceSchema,
  })
  .superRefine((c, ctx) => {
    c.points.forEach((p, i) => {
      if (p.busyCores !== i + 1)
        ctx.addIssue({
          code: 'custom',
          path: ['points', i, 'busyCores'],
          message: `expected busyCores ${i + 1} (points run 1, 2, ... cores of the measured machine)`,
        })
      if ((p.low !== undefined && p.low > p.slowdown) || (p.high !== undefined && p.high < p.slowdown))
        ctx.addIssue({code: 'custom', path: ['points', i], message: 'low ≤ slowdown ≤ high expected'})
    })
    c.points.forEach((p, i) => {
      const limit = MAX_SLOWDOWN_PER_BUSY_CORE * p.busyCores
      if (p.slowdown > limit)
        ctx.addIssue({
          code: 'custom',
          path: ['points', i, 'slowdown'],
          message: aboveLimit(
            p.slowdown,
            limit,
            `${MAX_SLOWDOWN_PER_BUSY_CORE} x busyCores: beyond it ${p.busyCores} busy cores would do less than half the work of one`,
          ),
        })
    })
    if (c.points[0]?.slowdown !== 1)
      ctx.addIssue({code: 'custom', path: ['points', 0, 'slowdown'], message: 'slowdown at busyCores 1 must be 1 (the reference)'})
  })

export const ProvenanceSchema = z.strictObject({
  /** `uname -r` of the measured kernel. */
  kernel: z.string().min(1),
  /** CPU model string from /proc/cpuinfo. */
  cpu: z.string().min(1),
  cores: z.number().int().positive(),
  /** Kubernetes architecture name (amd64, arm64, ...) of the measured machine; absent in older files. */
  arch: z.string().min(1).optional(),
  /** ISO-8601 date of the measurement. */
  date: z.string().min(1),
  /** Tool and version that wrote the file (densityplan calibrate x.y.z, or a documented script). */
  tool: z.string().min(1),
  /** How the numbers were obtained, in one paragraph an SRE can follow. */
  method: z.string().min(1),
  notes: z.array(z.string()).default([]),
  /** The cluster node measured by `calibrate --node` (absent for a local calibration). */
  node: z
    .strictObject({
      name: z.string().min(1),
      kubeletVersion: z.string(),
      containerRuntimeVersion: z.string(),
      osImage: z.string(),
      architecture: z.string(),
      /** The calibration pod's image. */
      image: z.string(),
      /** Where forkExecOverhead came from: the node's kubelet runtime-operation histograms, or fork/exec measured on the node. */
      runtimeOverhead: z.enum(['kubelet-runtime-operations', 'node-fork-exec']),
    })
    .optional(),
  /** Raw measured points, kept so a fit can be re-checked. Optional for compact files. */
  rawPoints: z.array(z.strictObject({param: z.string(), x: z.number(), ns: nonNegativeNs})).optional(),
})

export const KernelModelSchema = z.strictObject({
  apiVersion: z.literal('densityplan.dev/v1alpha1'),
  kind: z.literal('KernelModel'),
  /** Stable id, e.g. linux-6.18-legacy. */
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, dots and dashes'),
  /** The container-start path this model is meant for by default. */
  path: KernelPathSchema,
  kernel: z.strictObject({
    release: z.string().min(1),
    /** Whether open_tree(OPEN_TREE_NAMESPACE) exists (Linux >= 7.0), probed, not inferred from the release. */
    openTreeNamespace: z.boolean(),
    /** CONFIG_HZ: the rwsem handoff timeout is DIV_ROUND_UP(HZ, 250) jiffies (kernel/locking/rwsem.c). */
    hz: z
      .number()
      .int()
      .min(KERNEL_HZ_RANGE.min, {
        error: (iss) => `${String(iss.input)} is below the limit ${KERNEL_HZ_RANGE.min} (kernel/Kconfig.hz offers 100, 250, 300, 1000; see docs/limits.md)`,
      })
      .max(KERNEL_HZ_RANGE.max, {error: (iss) => aboveLimit(Number(iss.input), KERNEL_HZ_RANGE.max, 'kernel/Kconfig.hz offers 100, 250, 300, 1000')}),
  }),
  provenance: ProvenanceSchema,
  costs: z.strictObject({
    /** copy_mnt_ns under CLONE_NEWNS: clone every mount of the caller's namespace. */
    copy: LinearCostSchema,
    /** mount("/", MS_SLAVE|MS_REC): change_mnt_propagation over the whole copied tree. */
    chtype: LinearCostSchema,
    /** One runtime mount attached in the new namespace (proc, sysfs, binds...): the write section only. */
    attach: FixedCostSchema,
    /** pivot_root: chroot_fs_refs walks every thread on the system. */
    pivot: LinearCostSchema,
    /** umount2(old root, MNT_DETACH): umount_tree of the old root's copy, under write + mount_lock. */
    umount: LinearCostSchema,
    /** synchronize_rcu_expedited after namespace_unlock when mounts were detached. */
    rcuGp: DurationDistributionSchema,
    /** put_mnt_ns at container exit: umount_tree of the container's mounts. */
    teardown: LinearCostSchema,
    /** Extra host-mount cost per in-flight slave copy it propagates into (propagate_mnt). */
    propPerPeer: FixedCostSchema,
    /** One read() chunk of /proc/PID/mountinfo (~4 KiB, ~75 lines) under namespace_sem read. */
    mountinfoChunk: LinearCostSchema,
    /** open_tree(OPEN_TREE_NAMESPACE): create_new_namespace copying the rootfs subtree (k mounts). */
    otn: LinearCostSchema,
    /** open_tree(OPEN_TREE_CLONE) of a bind source (detached clone). */
    dclone: LinearCostSchema,
    /** move_mount of one pre-opened mount into the new namespace. */
    moveAttach: FixedCostSchema,
    /** Time from a rwsem waker's up_write to the woken sleeper running. */
    wakeLatency: DurationDistributionSchema,
    /** The non-mount part of one OCI runtime start (fork/exec, config, cgroups, process setup). */
    forkExecOverhead: durationDistribution(MAX_FORK_EXEC_NS, "kubelet's default --runtime-request-timeout, 2 min"),
    /**
     * CPU the OCI runtime spends per host mount outside namespace_sem (parsing the mount table in
     * user space, page faults, exit), added to forkExecOverhead per mount above the M it was
     * measured at. Absent in older files (then nothing is added).
     */
    runtimePerMount: FixedCostSchema.optional(),
    /**
     * The CPU part of one start's non-mount overhead (median CPU time of a runtime start at M≈0,
     * C=1 minus the modelled steps' CPU). A forkExecOverhead sample beyond it was spent off-CPU
     * (grace periods, wake-ups), so the simulator puts at most this much of a sample on a core.
     * Absent in older files (then the whole sample runs on a core).
     */
    forkExecCpu: FixedCostSchema.optional(),
    /** CPU slowdown by busy cores; absent = none (hand-written fixtures). Calibrated models have it. */
    cpuContention: CpuContentionSchema.optional(),
    /**
     * The grace period a runtime's cgroup2 mount may wait for (Linux 6.18: cgroup_favor_dynmods →
     * percpu_down_write(cgroup_threadgroup_rwsem) → rcu_sync_enter → synchronize_rcu) unless another
     * such mount on the node finished less than windowNs before. Absent in older files (no wait).
     */
    cgroupSync: CgroupSyncSchema.optional(),
  }),
})

export {MOUNTINFO_LINES_PER_CHUNK} from './kernel-constants.js'

export type KernelModel = z.infer<typeof KernelModelSchema>
export type LinearCost = z.infer<typeof LinearCostSchema>
export type CostShape = z.infer<typeof CostShapeSchema>
export type FixedCost = z.infer<typeof FixedCostSchema>
export type DurationDistribution = z.infer<typeof DurationDistributionSchema>
export type KernelCosts = KernelModel['costs']
export type CpuContention = z.infer<typeof CpuContentionSchema>
export type CgroupSync = z.infer<typeof CgroupSyncSchema>

export {rwsemHandoffNs} from './kernel-constants.js'
