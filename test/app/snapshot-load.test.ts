import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {startSnapshotLoader} from '../../src/app/snapshot-load.js'
import {generateSnapshot} from '../../src/demo/generator.js'
import {InputError} from '../../src/errors/errors.js'
import {buildNodeClasses} from '../../src/profile/node-classes.js'

const scratch = mkdtempSync(join(tmpdir(), 'dp-snapshot-load-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

const snapshot = generateSnapshot({
  context: 'load-test',
  collectedAt: '2026-11-20T09:00:00Z',
  seed: 3,
  pools: [
    {
      name: 'web',
      nodes: 3,
      cpuMilli: 3920,
      maxPods: 30,
      podsPerNode: 8,
      kind: 'web',
      observedStarts: true,
      images: [{share: 1, kernel: '6.8.0-1021-aws', osImage: 'Ubuntu 24.04.1 LTS', cri: 'containerd://1.7.24'}],
    },
  ],
})
const path = join(scratch, 'snapshot.json')
writeFileSync(path, JSON.stringify(snapshot))

describe('startSnapshotLoader', () => {
  it('reads the file on its own thread: the snapshot without pods, their count, and the classes the main thread would build', async () => {
    const loaded = await startSnapshotLoader().load({path, ociRuntime: 'crun'})
    expect(loaded.podCount).toBe(snapshot.pods.length)
    expect(loaded.podCount).toBeGreaterThan(20)
    expect(loaded.snapshot).toEqual({...snapshot, pods: []})
    expect(loaded.classes).toEqual(buildNodeClasses(snapshot, {ociRuntime: 'crun'}))
  })

  it('gives back a bad file as the InputError the reader threw, fix included', async () => {
    const bad = join(scratch, 'bad.json')
    writeFileSync(bad, JSON.stringify({...snapshot, kind: 'NodeList'}))
    const err = await startSnapshotLoader()
      .load({path: bad})
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).message).toMatch(/bad\.json: kind: .*ClusterSnapshot/)
    expect((err as InputError).fix).toMatch(/densityplan collect/)
  })

  it('can be closed without being asked, and refuses to load once closed', async () => {
    const loader = startSnapshotLoader()
    await loader.close()
    await loader.close()
    await expect(loader.load({path})).rejects.toThrow(/snapshot loading thread stopped/)
  })
})
