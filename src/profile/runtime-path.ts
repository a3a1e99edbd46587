/**
 * Which container-start path a node takes, from what the Node object shows. The Node reports
 * the kernel and the CRI (containerd / CRI-O), never the OCI runtime, so the OCI runtime is
 * inferred from each CRI's default (docs/kernel-model.md): containerd → runc, CRI-O ≥ 1.31 → crun.
 * OPEN_TREE_NAMESPACE needs Linux ≥ 7.0 and crun ≥ 1.29; runc and youki never use it.
 */

export interface Version {
  major: number
  minor: number
}

/** Leading `major.minor` of a version string (`6.8.0-1021-aws`, `v1.34.2`), or null. */
export function parseVersion(text: string): Version | null {
  const m = /^v?(\d+)\.(\d+)/.exec(text.trim())
  return m ? {major: Number(m[1]), minor: Number(m[2])} : null
}

export function atLeast(v: Version | null, major: number, minor: number): boolean {
  return v !== null && (v.major > major || (v.major === major && v.minor >= minor))
}

/** Linux ≥ 7.0 has open_tree(OPEN_TREE_NAMESPACE) (create_new_namespace, fs/namespace.c). */
export function kernelHasOtn(kernelRelease: string): boolean {
  return atLeast(parseVersion(kernelRelease), 7, 0)
}

/** How a runtime that uses OPEN_TREE_NAMESPACE is named in results. */
export const OTN_RUNTIME_NAME = 'crun ≥ 1.29'

export interface OciRuntimeGuess {
  /** e.g. `runc`, `crun ≥ 1.29`. */
  name: string
  /** Whether the runtime uses OPEN_TREE_NAMESPACE when the kernel has it. */
  usesOtn: boolean
  /** How we know: the CRI's default, or an override. */
  basis: string
}

/**
 * The OCI runtime behind a CRI version string (`containerd://1.7.24`, `cri-o://1.34.1`).
 * `override` (from --oci-runtime) wins: `runc`, `crun`, or `crun-legacy` (crun < 1.29).
 */
export function guessOciRuntime(containerRuntimeVersion: string, override?: string): OciRuntimeGuess {
  if (override) {
    const usesOtn = override === 'crun'
    return {name: usesOtn ? OTN_RUNTIME_NAME : override === 'crun-legacy' ? 'crun < 1.29' : override, usesOtn, basis: 'set with --oci-runtime'}
  }
  const [cri = '', version = ''] = containerRuntimeVersion.split('://')
  if (cri === 'cri-o' && atLeast(parseVersion(version), 1, 31)) {
    // CRI-O 1.31+ defaults to crun; crun 1.29 shipped alongside CRI-O 1.34-era distributions,
    // so a CRI-O ≥ 1.34 node is assumed to carry crun ≥ 1.29 (listed as an assumption).
    const recent = atLeast(parseVersion(version), 1, 34)
    return {name: recent ? OTN_RUNTIME_NAME : 'crun < 1.29', usesOtn: recent, basis: `CRI-O ${version} default runtime (inferred)`}
  }
  if (cri === 'cri-o') return {name: 'runc', usesOtn: false, basis: `CRI-O ${version} default runtime (inferred)`}
  if (cri === 'containerd') return {name: 'runc', usesOtn: false, basis: 'containerd default runtime (inferred)'}
  return {name: 'unknown', usesOtn: false, basis: `unrecognised CRI ${containerRuntimeVersion || '(empty)'}; assumed legacy`}
}
