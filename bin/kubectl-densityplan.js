#!/usr/bin/env node
// kubectl plugin entry point (krew naming: the binary kubectl-densityplan makes
// `kubectl densityplan analyze ...` work). kubectl passes every argument after the plugin name
// unparsed; src/analyze/kubectl-args.ts maps kubectl's --kubeconfig, --context, -n and -A onto
// densityplan's flags. Needs Node.js >= 24, like bin/run.js.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  const script = fileURLToPath(new URL('../scripts/node24.sh', import.meta.url))
  const self = fileURLToPath(import.meta.url)
  const r = spawnSync('bash', [script, 'node', self, ...process.argv.slice(2)], {stdio: 'inherit'})
  process.exit(r.status ?? 1)
}
const {fromKubectlArgs} = await import('../dist/analyze/kubectl-args.js')
const mapped = fromKubectlArgs(process.argv.slice(2))
if (!mapped.ok) {
  process.stderr.write(`Error: ${mapped.message}\nTry this: ${mapped.fix}\n`)
  process.exit(2)
}
const {execute} = await import('@oclif/core')
await execute({dir: fileURLToPath(new URL('./run.js', import.meta.url)), args: mapped.argv})
