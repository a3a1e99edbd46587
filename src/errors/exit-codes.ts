/**
 * The one exit-code table. Commands map every failure to one of these; nothing else in the
 * code base calls process.exit.
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  /** Usage, configuration or input error: bad flags, files, model files, snapshots. */
  input: 2,
  /** The cluster could not be read: kubeconfig, TLS, auth, RBAC, API errors. */
  cluster: 3,
  /** The plan violates a threshold the user set with --fail-on (the report is still written). */
  threshold: 4,
  /** Stopped by Ctrl-C (SIGINT; 143 for SIGTERM) after cleaning up (calibrate --node deletes its pod). */
  interrupted: 130,
} as const

export type ExitCodeName = keyof typeof ExitCode
