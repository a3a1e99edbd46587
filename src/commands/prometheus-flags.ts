import {Flags} from '@oclif/core'
import type {PrometheusOptions} from '../cluster/prometheus-source.js'
import {loadPrometheusAuth} from '../cluster/prometheus-http.js'

// Its own module so that `analyze` can offer these flags without importing the collect command,
// which loads the Kubernetes client (~0.13 s of start-up that the demo and snapshot files never use).

/** The Prometheus source's flags, shared by `collect` and a live `analyze`. */
export const prometheusFlags = {
  prometheus: Flags.string({
    description:
      "Read kubelet start-latency and runtime-operation histograms from this Prometheus (http(s)://HOST:PORT[/PREFIX]; http://NAME.NAMESPACE.svc:PORT goes through the API server's service proxy). No nodes/proxy permission needed.",
    helpValue: 'URL',
  }),
  'prometheus-window': Flags.string({description: 'Range of increase() over the Prometheus histograms (a Prometheus duration).', default: '7d'}),
  'prometheus-node-label': Flags.string({
    description: 'Label holding the node name in Prometheus (default: node, then instance without its port).',
    dependsOn: ['prometheus'],
  }),
  'prometheus-token-file': Flags.string({
    description: 'File holding a bearer token for Prometheus.',
    dependsOn: ['prometheus'],
    exclusive: ['prometheus-user'],
  }),
  'prometheus-user': Flags.string({description: 'User name for basic auth to Prometheus (password in --prometheus-password-file).', dependsOn: ['prometheus']}),
  'prometheus-password-file': Flags.string({description: 'File holding the basic-auth password.', dependsOn: ['prometheus-user']}),
  'prometheus-ca-file': Flags.string({
    description: "PEM CA bundle that signed Prometheus's certificate (like kubectl --certificate-authority).",
    dependsOn: ['prometheus'],
  }),
  'prometheus-insecure-skip-tls-verify': Flags.boolean({
    description: "Do not verify Prometheus's TLS certificate (like kubectl --insecure-skip-tls-verify).",
    dependsOn: ['prometheus'],
  }),
}

/** The parsed flags above → options for the Prometheus source (undefined without --prometheus). */
export function prometheusOptions(
  flags: {[K in keyof typeof prometheusFlags]?: string | boolean | undefined},
  timeoutMs: number,
): PrometheusOptions | undefined {
  if (typeof flags.prometheus !== 'string') return undefined
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined)
  const nodeLabel = str(flags['prometheus-node-label'])
  return {
    url: flags.prometheus,
    window: str(flags['prometheus-window']) ?? '7d',
    ...(nodeLabel ? {nodeLabel} : {}),
    auth: loadPrometheusAuth({
      tokenFile: str(flags['prometheus-token-file']),
      user: str(flags['prometheus-user']),
      passwordFile: str(flags['prometheus-password-file']),
      caFile: str(flags['prometheus-ca-file']),
      insecure: flags['prometheus-insecure-skip-tls-verify'] === true,
    }),
    timeoutMs,
  }
}
