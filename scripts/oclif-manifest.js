// Writes oclif.manifest.json (git-ignored) from the built command classes in dist/commands, as
// `oclif manifest` does, without the oclif CLI package: with the manifest, `densityplan --help`
// and `densityplan <command> --help` read flags and descriptions from one JSON file instead of
// importing every command module (and through them the Kubernetes client, vega and the
// simulator). Run by `npm run build` after tsc; a manifest older than the commands shows old help.
import {writeFileSync, renameSync} from 'node:fs'
import {join} from 'node:path'
import {Plugin} from '@oclif/core'

if (Number(process.versions.node.split('.')[0]) < 24) {
  // `npm ci` on an older node runs this through `prepare`; the CLI works without a manifest (slower --help).
  process.stderr.write(`oclif.manifest.json not written: Node ${process.versions.node} < 24 (npm run build on Node 24 writes it)\n`)
  process.exit(0)
}
const root = join(import.meta.dirname, '..')
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true})
await plugin.load()
const file = join(root, 'oclif.manifest.json')
const tmp = `${file}.${process.pid}.tmp`
writeFileSync(tmp, JSON.stringify(plugin.manifest, null, 2) + '\n')
renameSync(tmp, file)
process.stdout.write(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands\n`)
