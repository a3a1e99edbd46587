#!/usr/bin/env node
// kubectl plugin entry point (krew naming: the binary kubectl-densityplan makes
// `kubectl densityplan analyze ...` work). kubectl passes every argument after the plugin name
// unparsed; src/cli/kubectl-args.ts maps kubectl's --kubeconfig, --context, -n and -A onto
// densityplan's flags, then bin/run.js (Node >= 24 check, oclif) runs as usual.
const {fromKubectlArgs} = await import('../dist/cli/kubectl-args.js')
const mapped = fromKubectlArgs(process.argv.slice(2))
if (!mapped.ok) {
  process.stderr.write(`Error: ${mapped.message}\nTry this: ${mapped.fix}\n`)
  process.exit(2)
}
process.argv = [...process.argv.slice(0, 2), ...mapped.argv]
// bin/run.js then names the CLI `kubectl densityplan` (oclif's config.bin), also after a re-run on Node 24.
process.env.DENSITYPLAN_KUBECTL_PLUGIN = '1'
await import('./run.js')
