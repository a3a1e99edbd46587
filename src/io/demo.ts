import {fileURLToPath} from 'node:url'
import type {ClusterSnapshot} from '../domain/snapshot.js'
import {readSnapshot} from './snapshot-file.js'

/**
 * The embedded demo snapshot shipped in the package (demo/snapshot.json, written by
 * scripts/generate-demo.ts). Two levels up from src/io or dist/io is the package root.
 */
export function demoSnapshotPath(): string {
  return fileURLToPath(new URL('../../demo/snapshot.json', import.meta.url))
}

export function loadDemoSnapshot(): ClusterSnapshot {
  return readSnapshot(demoSnapshotPath())
}
