#!/usr/bin/env node
// densityplan needs Node.js >= 24 (@kubernetes/client-node 2 crashes on 20). On an older node,
// re-run this same command through scripts/node24.sh, which installs Node 24 from the npm
// registry into .tools/ once; otherwise start the CLI.
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  const script = fileURLToPath(new URL('../scripts/node24.sh', import.meta.url))
  const self = fileURLToPath(import.meta.url)
  const r = spawnSync('bash', [script, 'node', self, ...process.argv.slice(2)], {stdio: 'inherit'})
  process.exit(r.status ?? 1)
}
const {execute} = await import('@oclif/core')
// Started as the kubectl plugin (bin/kubectl-densityplan.js): oclif's config.bin comes from
// package.json, so hand it a copy naming the CLI `kubectl densityplan` for usage, examples, errors.
const asPlugin = process.env.DENSITYPLAN_KUBECTL_PLUGIN === '1'
const pjson = asPlugin ? JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) : undefined
if (pjson) pjson.oclif.bin = 'kubectl densityplan'
await execute({dir: import.meta.url, ...(pjson ? {loadOptions: {root: fileURLToPath(new URL('..', import.meta.url)), pjson}} : {})})
