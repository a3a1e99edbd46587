// Which test files are system tests (npm run test:system): they need root, crun, Chromium, Prometheus,
// kubectl, apt packages (scripts/test-prereqs.sh) or the built CLI (npm run build), or take too
// long for the inner loop (whole-demo analyses). Every other
// test file is a unit test (npm run test:unit): the pure core and the edges with fakes, as any
// user, without a build. vitest.config.ts builds its projects from this list, and
// test/suites.test.ts checks that every test file is in exactly one of the two.

/** Globs of the system tests, relative to the repository root. */
export const SYSTEM_TESTS = [
  'test/commands/**/*.test.ts', // the built CLI through @oclif/test; analyze-live and collect also start the test API server (openssl)
  'test/report/command.test.ts', // the built CLI
  'test/browser/**/*.test.ts', // Chromium (apt)
  'test/calibrate/calibrate-command.test.ts', // root, the native probe (cc), the built CLI
  'test/cluster/kubectl.test.ts', // the real kubectl (extracted by scripts/test-prereqs.sh), openssl
  'test/cluster/kubectl-exec.test.ts', // the real WebSocket-exec kubectl (fetched by scripts/test-prereqs.sh), openssl
  'test/cluster/exec-protocol.test.ts', // the test API server (openssl)
  'test/calibrate/calibrate-node.test.ts', // root, the native probe (cc -static), the test API server
  'test/calibrate/probe-run-load.test.ts', // root (mounts in a private namespace), the native probe (cc)
  'test/report/openmetrics.test.ts', // the built CLI, promtool (apt: prometheus)
  'test/report/grafana-dashboard.test.ts', // a real Prometheus (apt: prometheus)
  'test/krew/**/*.test.ts', // builds the release archive (npm registry), the real kubectl
  'test/hostile/**/*.test.ts', // issue 10's defects through the built CLI; root (a tmpfs for ENOSPC)
  'test/analyze/seed-stability.test.ts', // pure, but three full demo analyses (about 15 CPU-s each): too slow for the unit loop
] as const

/** Real crun starts timed against the model: system tests that run last and alone (vitest.config.ts). */
export const VALIDATE_TESTS = ['test/validate/**/*.test.ts'] as const

export const ALL_TESTS = 'test/**/*.test.ts'
