// Regenerates the embedded demo snapshot (demo/snapshot.json.gz) or a large synthetic one.
//   node --import tsx scripts/generate-demo.ts                      → demo/snapshot.json.gz
//   node --import tsx scripts/generate-demo.ts --nodes 5000 --pods-per-node 20 --out /tmp/big.json
// Deterministic: the same arguments always write the same bytes (gzip with mtime 0).
import {writeFileSync} from 'node:fs'
import {gzipSync} from 'node:zlib'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {ClusterSnapshotSchema} from '../src/domain/snapshot.js'
import {DEMO_SPEC, generateSnapshot, largeSpec} from '../src/demo/generator.js'
import {shippedStartLatencies} from '../src/io/demo-observed.js'

const {values} = parseArgs({options: {nodes: {type: 'string'}, 'pods-per-node': {type: 'string', default: '30'}, out: {type: 'string'}}})
const spec = values.nodes ? largeSpec(Number(values.nodes), Number(values['pods-per-node'])) : DEMO_SPEC
// Observed starts drawn from the shipped models' simulation of today, so analyze's back-test of
// the demo can pass (src/io/demo-observed.ts).
const snapshot = ClusterSnapshotSchema.parse(generateSnapshot(spec, await shippedStartLatencies()))
const text = `${JSON.stringify(snapshot)}\n`
const out = values.out ?? join(import.meta.dirname, '..', 'demo', 'snapshot.json.gz')
writeFileSync(out, out.endsWith('.gz') ? gzipSync(text, {level: 9}) : text)
process.stdout.write(`wrote ${out}: ${snapshot.nodes.length} nodes, ${snapshot.pods.length} pods\n`)
