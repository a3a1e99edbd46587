import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {gunzipSync} from 'node:zlib'
import {ClusterSnapshotSchema, type ClusterSnapshot} from '../domain/snapshot.js'
import {InputError} from '../errors/errors.js'
import {describeSchemaError} from '../lib/schema-errors.js'

/**
 * The embedded demo snapshot shipped in the package (demo/snapshot.json.gz, written by
 * scripts/generate-demo.ts; gzip keeps the 3 MB of JSON at ~0.2 MB). Two levels up from src/io
 * or dist/io is the package root.
 */
export function demoSnapshotPath(): string {
  return fileURLToPath(new URL('../../demo/snapshot.json.gz', import.meta.url))
}

/** The demo snapshot's JSON text. */
export function readDemoSnapshotText(): string {
  try {
    return gunzipSync(readFileSync(demoSnapshotPath())).toString('utf8')
  } catch (err) {
    throw new InputError(
      `the embedded demo snapshot ${demoSnapshotPath()} cannot be read (${(err as Error).message})`,
      'reinstall densityplan, or regenerate it with node --import tsx scripts/generate-demo.ts',
      {cause: err},
    )
  }
}

export function loadDemoSnapshot(): ClusterSnapshot {
  const parsed = ClusterSnapshotSchema.safeParse(JSON.parse(readDemoSnapshotText()))
  if (!parsed.success)
    throw new InputError(describeSchemaError('demo/snapshot.json.gz', parsed.error), 'regenerate it with node --import tsx scripts/generate-demo.ts')
  return parsed.data
}
