import type {SimulateFlags} from '../../src/app/simulate-request.js'

/** The flag values `densityplan simulate` declares as defaults (src/commands/simulate.ts); tests spread their changes over it. */
export const SIMULATE_FLAG_DEFAULTS: SimulateFlags = {
  kernel: 'both',
  workload: 'closed',
  'containers-per-pod': '1',
  'init-containers': '0',
  'volumes-per-pod': '1',
  'rootfs-mounts': '1',
  'runtime-mounts': '10',
  'runtime-overhead': 'model',
  pod: true,
  'legacy-fallback': '0',
  cores: '2',
  'system-threads': '1000',
  'host-mounts': '1000',
  'mountinfo-readers': '2',
  'mountinfo-interval': '1s',
  replications: '5',
  seed: '1',
}
