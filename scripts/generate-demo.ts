// Regenerates the embedded demo snapshot (demo/snapshot.json) or a large synthetic one.
//   node --import tsx scripts/generate-demo.ts                      → demo/snapshot.json
//   node --import tsx scripts/generate-demo.ts --nodes 5000 --pods-per-node 30 --out /tmp/big.json
// Deterministic: the same arguments always write the same bytes.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {ClusterSnapshotSchema} from '../src/domain/snapshot.js'
import {DEMO_SPEC, generateSnapshot, largeSpec} from '../src/io/demo-generator.js'

const {values} = parseArgs({options: {nodes: {type: 'string'}, 'pods-per-node': {type: 'string', default: '30'}, out: {type: 'string'}}})
const spec = values.nodes ? largeSpec(Number(values.nodes), Number(values['pods-per-node'])) : DEMO_SPEC
const snapshot = ClusterSnapshotSchema.parse(generateSnapshot(spec))
const out = values.out ?? join(import.meta.dirname, '..', 'demo', 'snapshot.json')
writeFileSync(out, `${JSON.stringify(snapshot)}\n`)
process.stdout.write(`wrote ${out}: ${snapshot.nodes.length} nodes, ${snapshot.pods.length} pods\n`)
