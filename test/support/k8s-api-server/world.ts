/**
 * The cluster the test API server serves, generated lazily: node k and pod i are pure functions
 * of (options, index), so 150,000 pods never sit in memory at once. Objects look like what a
 * real API server returns for Deployments (projected service-account token, secrets,
 * configMaps, memory emptyDirs), StatefulSets with PVCs, DaemonSets (host network, hostPath),
 * Jobs (recent churn), GPU pods, init containers and native sidecars, across node pools with
 * different kernels and runtimes. Pods also carry env values, secret-looking annotations and
 * command-line tokens so tests can prove none of it leaks into a snapshot.
 */

export interface PoolSpec {
  name: string
  /** The node label that names the pool, e.g. cloud.google.com/gke-nodepool. */
  labelKey: string
  nodes: number
  kernelVersion: string
  osImage: string
  containerRuntimeVersion: string
  kubeletVersion?: string
  architecture?: string
  cpu?: string
  memory?: string
  maxPods?: number
  /** Pods on these nodes request nvidia.com/gpu now and then. */
  gpu?: boolean
}

export interface WorldOptions {
  pools?: PoolSpec[]
  podsPerNode?: number
  /** Pods with no node yet (Pending, unscheduled). */
  unscheduledPods?: number
  /** "Now" for generated timestamps (ms since epoch). Default: when the server starts. */
  nowMs?: number
  seed?: number
}

export const DEFAULT_POOLS: PoolSpec[] = [
  {
    name: 'general',
    labelKey: 'cloud.google.com/gke-nodepool',
    nodes: 3,
    kernelVersion: '6.1.112+',
    osImage: 'Container-Optimized OS from Google',
    containerRuntimeVersion: 'containerd://1.7.24',
  },
  {
    name: 'fast-start',
    labelKey: 'karpenter.sh/nodepool',
    nodes: 2,
    kernelVersion: '7.0.3-1-cloud-amd64',
    osImage: 'Debian GNU/Linux 14 (forky)',
    containerRuntimeVersion: 'cri-o://1.31.2',
    cpu: '16',
    memory: '64Gi',
    maxPods: 250,
  },
  {
    name: 'gpu',
    labelKey: 'eks.amazonaws.com/nodegroup',
    nodes: 1,
    kernelVersion: '5.15.0-1071-aws',
    osImage: 'Ubuntu 22.04.5 LTS',
    containerRuntimeVersion: 'containerd://1.6.36',
    gpu: true,
  },
]

export const NAMESPACES = ['default', 'web', 'payments', 'batch', 'monitoring', 'kube-system']

export interface World {
  nowMs: number
  nodeCount: number
  podCount: number
  node(k: number): Record<string, unknown>
  nodeName(k: number): string
  pod(i: number): Record<string, unknown>
  /** Namespace of pod i without building it (for namespaced lists). */
  podNamespace(i: number): string
  /** spec.nodeName of pod i without building it (for field selectors); null when unscheduled. */
  podNodeName(i: number): string | null
}

/** Deterministic 0..1 from (seed, index, salt): mulberry32 of a mixed key. */
function rand(seed: number, i: number, salt: number): number {
  let t = (seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 7, 0x85ebca6b)) >>> 0
  t = (t + 0x6d2b79f5) >>> 0
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')

export function makeWorld(opts: WorldOptions = {}): World {
  const pools = opts.pools ?? DEFAULT_POOLS
  const podsPerNode = opts.podsPerNode ?? 20
  const seed = opts.seed ?? 1
  const nowMs = opts.nowMs ?? Math.floor(Date.now() / 1000) * 1000
  const nodePool: PoolSpec[] = []
  const nodeIndexInPool: number[] = []
  for (const p of pools)
    for (let j = 0; j < p.nodes; j++) {
      nodePool.push(p)
      nodeIndexInPool.push(j)
    }
  const nodeCount = nodePool.length
  const scheduled = nodeCount * podsPerNode
  const podCount = scheduled + (opts.unscheduledPods ?? 0)
  const nodeName = (k: number): string => `${nodePool[k]!.name}-node-${String(nodeIndexInPool[k]).padStart(4, '0')}`

  function node(k: number): Record<string, unknown> {
    const p = nodePool[k]!
    const name = nodeName(k)
    const resources = {
      cpu: p.cpu ?? '8',
      memory: p.memory ?? '32Gi',
      pods: String(p.maxPods ?? 110),
      'ephemeral-storage': '100Gi',
      ...(p.gpu ? {'nvidia.com/gpu': '4'} : {}),
    }
    return {
      metadata: {
        name,
        uid: `node-uid-${k}`,
        resourceVersion: String(1000 + k),
        creationTimestamp: iso(nowMs - 86_400_000 * 3),
        labels: {
          [p.labelKey]: p.name,
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': p.architecture ?? 'amd64',
          'node.kubernetes.io/instance-type': p.gpu ? 'g5.xlarge' : 'n2-standard-8',
        },
        annotations: {'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true'},
      },
      spec: {podCIDR: `10.${k >> 8}.${k & 255}.0/24`, providerID: `test://${name}`},
      status: {
        capacity: resources,
        allocatable: {...resources, cpu: `${Number.parseInt(resources.cpu, 10) * 1000 - 90}m`, memory: '31Gi'},
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
            lastHeartbeatTime: iso(nowMs),
            lastTransitionTime: iso(nowMs - 86_400_000),
          },
        ],
        addresses: [
          {type: 'InternalIP', address: `10.128.${k >> 8}.${k & 255}`},
          {type: 'Hostname', address: name},
        ],
        nodeInfo: {
          machineID: `m${k}`,
          systemUUID: `s${k}`,
          bootID: `b${k}`,
          kernelVersion: p.kernelVersion,
          osImage: p.osImage,
          containerRuntimeVersion: p.containerRuntimeVersion,
          kubeletVersion: p.kubeletVersion ?? 'v1.33.5',
          kubeProxyVersion: 'v1.33.5',
          operatingSystem: 'linux',
          architecture: p.architecture ?? 'amd64',
        },
      },
    }
  }

  function podKind(i: number): 'daemonset-proxy' | 'daemonset-agent' | 'deployment' | 'statefulset' | 'job' | 'gpu' | 'unscheduled' {
    if (i >= scheduled) return 'unscheduled'
    const j = i % podsPerNode
    if (j === 0) return 'daemonset-proxy'
    if (j === 1) return 'daemonset-agent'
    const r = rand(seed, i, 1)
    if (nodePool[Math.floor(i / podsPerNode)]!.gpu && r < 0.3) return 'gpu'
    if (r < 0.08) return 'statefulset'
    if (r < 0.22) return 'job'
    return 'deployment'
  }

  function podNamespace(i: number): string {
    const kind = podKind(i)
    if (kind.startsWith('daemonset')) return kind === 'daemonset-proxy' ? 'kube-system' : 'monitoring'
    if (kind === 'job') return 'batch'
    return NAMESPACES[Math.floor(rand(seed, i, 2) * 3)]!
  }

  function pod(i: number): Record<string, unknown> {
    const kind = podKind(i)
    const k = Math.floor(i / podsPerNode)
    const namespace = podNamespace(i)
    const app = {
      'daemonset-proxy': 'kube-proxy',
      'daemonset-agent': 'log-agent',
      deployment: `web-${Math.floor(rand(seed, i, 3) * 12)}`,
      statefulset: 'db',
      job: 'report',
      gpu: 'trainer',
      unscheduled: 'web-big',
    }[kind]
    const name = `${app}-${i.toString(36)}`
    // Old pods were created days ago; recent ones (and every Job pod) within the last hour.
    const recent = kind === 'job' || rand(seed, i, 4) < 0.25
    const createdMs = nowMs - (recent ? Math.floor(rand(seed, i, 5) * 3_500_000) + 60_000 : 86_400_000 * (1 + Math.floor(rand(seed, i, 6) * 5)))
    const startMs = createdMs + 800 + Math.floor(rand(seed, i, 7) * 4000)
    const restarts = rand(seed, i, 8) < 0.05 ? 2 : 0
    const ownerKind = {
      'daemonset-proxy': 'DaemonSet',
      'daemonset-agent': 'DaemonSet',
      deployment: 'ReplicaSet',
      statefulset: 'StatefulSet',
      job: 'Job',
      gpu: 'Job',
      unscheduled: 'ReplicaSet',
    }[kind]
    const token = {
      name: `kube-api-access-${i.toString(36)}`,
      projected: {
        defaultMode: 420,
        sources: [
          {serviceAccountToken: {expirationSeconds: 3607, path: 'token'}},
          {configMap: {name: 'kube-root-ca.crt', items: [{key: 'ca.crt', path: 'ca.crt'}]}},
          {downwardAPI: {items: [{path: 'namespace', fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.namespace'}}]}},
        ],
      },
    }
    const tokenMount = {name: token.name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true}
    const volumes: unknown[] = [token]
    const mounts: unknown[] = [tokenMount]
    const env = [
      {name: 'DB_PASSWORD', value: `env-secret-value-${i}`},
      {name: 'API_KEY', valueFrom: {secretKeyRef: {name: 'api', key: 'key'}}},
      {name: 'POD_IP', valueFrom: {fieldRef: {fieldPath: 'status.podIP'}}},
    ]
    // Requests differ by kind, as in a real cluster: capacity-aware density divides allocatable by them.
    const requests = {
      'daemonset-proxy': null,
      'daemonset-agent': {cpu: '50m', memory: '64Mi'},
      deployment: {cpu: '250m', memory: '256Mi'},
      statefulset: {cpu: '500m', memory: '1Gi'},
      job: {cpu: '100m', memory: '128Mi'},
      gpu: {cpu: '2', memory: '8Gi'},
      unscheduled: {cpu: '250m', memory: '256Mi'},
    }[kind]
    const resources: Record<string, unknown> = requests ? {requests} : {}
    let hostNetwork = false
    const initContainers: unknown[] = []
    if (kind === 'daemonset-proxy') {
      hostNetwork = true
      volumes.push(
        {name: 'xtables-lock', hostPath: {path: '/run/xtables.lock', type: 'FileOrCreate'}},
        {name: 'lib-modules', hostPath: {path: '/lib/modules'}},
        {name: 'kube-proxy', configMap: {name: 'kube-proxy'}},
      )
      mounts.push(
        {name: 'xtables-lock', mountPath: '/run/xtables.lock'},
        {name: 'lib-modules', mountPath: '/lib/modules', readOnly: true, mountPropagation: 'HostToContainer'},
        {name: 'kube-proxy', mountPath: '/var/lib/kube-proxy'},
      )
    } else if (kind === 'daemonset-agent') {
      volumes.push(
        {name: 'varlog', hostPath: {path: '/var/log'}},
        {name: 'config', configMap: {name: 'agent'}},
        {name: 'certs', secret: {secretName: 'agent-certs'}},
      )
      mounts.push(
        {name: 'varlog', mountPath: '/var/log', mountPropagation: 'HostToContainer'},
        {name: 'config', mountPath: '/etc/agent/agent.conf', subPath: 'agent.conf'},
        {name: 'certs', mountPath: '/etc/certs'},
      )
    } else if (kind === 'statefulset') {
      volumes.push({name: 'data', persistentVolumeClaim: {claimName: `data-db-${i % 7}`}}, {name: 'config', configMap: {name: 'db'}})
      mounts.push({name: 'data', mountPath: '/var/lib/db'}, {name: 'config', mountPath: '/etc/db/my.cnf', subPath: 'my.cnf'})
      initContainers.push({
        name: 'init-perms',
        image: 'busybox:1.36',
        command: ['sh', '-c', `chown -R 999 /var/lib/db # cmdline-secret-${i}`],
        volumeMounts: [{name: 'data', mountPath: '/var/lib/db'}],
      })
    } else if (kind === 'gpu') {
      resources['limits'] = {'nvidia.com/gpu': '1'}
      volumes.push(
        {name: 'dshm', emptyDir: {medium: 'Memory', sizeLimit: '1Gi'}},
        {name: 'scratch', ephemeral: {volumeClaimTemplate: {spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '10Gi'}}}}}},
      )
      mounts.push({name: 'dshm', mountPath: '/dev/shm'}, {name: 'scratch', mountPath: '/scratch'})
    } else {
      volumes.push(
        {name: 'tls', secret: {secretName: 'web-tls'}},
        {name: 'config', configMap: {name: 'web'}},
        {name: 'cache', emptyDir: {medium: 'Memory'}},
        {name: 'tmp', emptyDir: {}},
        {name: 'podinfo', downwardAPI: {items: [{path: 'labels', fieldRef: {fieldPath: 'metadata.labels'}}]}},
      )
      mounts.push(
        {name: 'tls', mountPath: '/etc/tls', readOnly: true},
        {name: 'config', mountPath: '/etc/web'},
        {name: 'cache', mountPath: '/cache'},
        {name: 'tmp', mountPath: '/tmp'},
        {name: 'podinfo', mountPath: '/etc/podinfo'},
      )
      if (rand(seed, i, 9) < 0.3)
        volumes.push({name: 'csi-cache', csi: {driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: {secretProviderClass: 'vault'}}})
      if (rand(seed, i, 10) < 0.3)
        initContainers.push({
          name: 'mesh-proxy',
          image: 'envoy:1.31',
          restartPolicy: 'Always',
          args: [`--token=cmdline-secret-${i}`],
          volumeMounts: [tokenMount],
        })
    }
    const containers = [
      {
        name: 'main',
        image: `registry.example/${app}:1.2.${i % 9}`,
        command: ['/bin/server'],
        args: [`--api-token=cmdline-secret-${i}`],
        env,
        resources,
        volumeMounts: mounts,
        terminationMessagePath: '/dev/termination-log',
        imagePullPolicy: 'IfNotPresent',
      },
    ]
    const scheduledPod = kind !== 'unscheduled'
    const phase = !scheduledPod ? 'Pending' : kind === 'job' ? 'Succeeded' : 'Running'
    const running = phase === 'Running'
    return {
      metadata: {
        name,
        namespace,
        uid: `pod-uid-${i}`,
        resourceVersion: String(5000 + i),
        creationTimestamp: iso(createdMs),
        labels: {app, 'pod-template-hash': 'abc123'},
        annotations: {
          'checksum/secret': `annotation-secret-value-${i}`,
          'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"password":"c2VjcmV0LWRhdGEt${i}"}}`,
        },
        ownerReferences: [{apiVersion: 'apps/v1', kind: ownerKind, name: app, uid: `owner-${app}`, controller: true, blockOwnerDeletion: true}],
      },
      spec: {
        ...(scheduledPod ? {nodeName: nodeName(k)} : {}),
        hostNetwork,
        serviceAccountName: 'default',
        restartPolicy: kind === 'job' || kind === 'gpu' ? 'Never' : 'Always',
        dnsPolicy: 'ClusterFirst',
        ...(kind === 'gpu' ? {runtimeClassName: 'nvidia'} : {}),
        ...(kind === 'deployment' && rand(seed, i, 11) < 0.1 ? {hostUsers: false} : {}),
        volumes,
        containers,
        ...(initContainers.length ? {initContainers} : {}),
      },
      status: {
        phase,
        qosClass: kind === 'daemonset-proxy' ? 'BestEffort' : 'Burstable',
        ...(scheduledPod ? {hostIP: '10.128.0.1', podIP: `10.0.${k & 255}.${i & 255}`, startTime: iso(createdMs)} : {}),
        conditions: [
          {type: 'PodScheduled', status: scheduledPod ? 'True' : 'False', lastTransitionTime: iso(createdMs)},
          ...(running ? [{type: 'Ready', status: 'True', lastTransitionTime: iso(startMs)}] : []),
        ],
        ...(scheduledPod
          ? {
              containerStatuses: containers.map((c) => ({
                name: (c as {name: string}).name,
                ready: running,
                restartCount: restarts,
                image: 'img',
                imageID: 'sha256:1',
                started: running,
                state: running
                  ? {running: {startedAt: iso(restarts ? nowMs - 120_000 : startMs)}}
                  : {terminated: {exitCode: 0, reason: 'Completed', startedAt: iso(startMs), finishedAt: iso(startMs + 30_000)}},
              })),
            }
          : {}),
      },
    }
  }

  const podNodeName = (i: number): string | null => (i < scheduled ? nodeName(Math.floor(i / podsPerNode)) : null)
  return {nowMs, nodeCount, podCount, node, nodeName, pod, podNamespace, podNodeName}
}
