import {z} from 'zod'
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

/** A cost linear in one input: fixedNs + perUnitNs·x, fitted by least squares. */
export const LinearCostSchema = z.strictObject({
  fixedNs: nonNegativeNs,
  perUnitNs: nonNegativeNs,
  unit: z.enum(['mount', 'thread', 'line', 'peer']),
  source: MeasurementSourceSchema,
})

/** A constant cost (one runtime mount attach, one propagation step). */
export const FixedCostSchema = z.strictObject({
  ns: nonNegativeNs,
  source: MeasurementSourceSchema,
})

/**
 * A random duration. `lognormal` is fitted from a median and p90; `empirical` resamples the
 * measured values (sorted, nanoseconds).
 */
export const DurationDistributionSchema = z.discriminatedUnion('kind', [
  z.strictObject({kind: z.literal('fixed'), ns: nonNegativeNs, source: MeasurementSourceSchema}),
  z.strictObject({
    kind: z.literal('lognormal'),
    medianNs: z.number().finite().positive(),
    p90Ns: z.number().finite().positive(),
    source: MeasurementSourceSchema,
  }),
  z.strictObject({
    kind: z.literal('empirical'),
    samplesNs: z.array(nonNegativeNs).min(1),
    source: MeasurementSourceSchema,
  }),
])

/**
 * CPU work inflation when several cores are busy at once (shared caches, memory bandwidth,
 * kernel-wide fork/exec/exit work): slowdown(b) = CPU time per fork+exec of /bin/true with b
 * parallel loops ÷ the same with one loop, for b = 1..cores of the measured machine
 * (slowdown(1) = 1). The simulator reads it by busy fraction b/cores, so it applies to a node
 * with any core count (src/sim/cpu-contention.ts).
 */
export const CpuContentionSchema = z
  .strictObject({
    points: z.array(z.strictObject({busyCores: z.number().int().positive(), slowdown: z.number().finite().positive()})).min(1),
    source: MeasurementSourceSchema,
  })
  .superRefine((c, ctx) => {
    c.points.forEach((p, i) => {
      if (p.busyCores !== i + 1) ctx.addIssue({code: 'custom', path: ['points', i, 'busyCores'], message: `expected busyCores ${i + 1} (points run 1, 2, ... cores of the measured machine)`})
    })
    if (c.points[0]?.slowdown !== 1) ctx.addIssue({code: 'custom', path: ['points', 0, 'slowdown'], message: 'slowdown at busyCores 1 must be 1 (the reference)'})
  })

export const ProvenanceSchema = z.strictObject({
  /** `uname -r` of the measured kernel. */
  kernel: z.string().min(1),
  /** CPU model string from /proc/cpuinfo. */
  cpu: z.string().min(1),
  cores: z.number().int().positive(),
  /** ISO-8601 date of the measurement. */
  date: z.string().min(1),
  /** Tool and version that wrote the file (densityplan calibrate x.y.z, or a documented script). */
  tool: z.string().min(1),
  /** How the numbers were obtained, in one paragraph an SRE can follow. */
  method: z.string().min(1),
  notes: z.array(z.string()).default([]),
  /** The cluster node measured by `calibrate --node` (absent for a local calibration). */
  node: z.strictObject({
    name: z.string().min(1),
    kubeletVersion: z.string(),
    containerRuntimeVersion: z.string(),
    osImage: z.string(),
    architecture: z.string(),
    /** The calibration pod's image. */
    image: z.string(),
    /** Where forkExecOverhead came from: the node's kubelet runtime-operation histograms, or fork/exec measured on the node. */
    runtimeOverhead: z.enum(['kubelet-runtime-operations', 'node-fork-exec']),
  }).optional(),
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
    hz: z.number().int().positive(),
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
    forkExecOverhead: DurationDistributionSchema,
    /** CPU slowdown by busy cores; absent = none (hand-written fixtures). Calibrated models have it. */
    cpuContention: CpuContentionSchema.optional(),
  }),
})

export type KernelModel = z.infer<typeof KernelModelSchema>
export type LinearCost = z.infer<typeof LinearCostSchema>
export type FixedCost = z.infer<typeof FixedCostSchema>
export type DurationDistribution = z.infer<typeof DurationDistributionSchema>
export type KernelCosts = KernelModel['costs']
export type CpuContention = z.infer<typeof CpuContentionSchema>

/** Handoff timeout of the rwsem in ns: RWSEM_WAIT_TIMEOUT = DIV_ROUND_UP(HZ, 250) jiffies. */
export function rwsemHandoffNs(hz: number): number {
  const jiffies = Math.ceil(hz / 250)
  return Math.round((jiffies * 1e9) / hz)
}
