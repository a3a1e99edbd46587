import type {KubeConfig} from '@kubernetes/client-node'
import {existsSync} from 'node:fs'
import {ClusterError} from '../errors/errors.js'

type ClientModule = typeof import('@kubernetes/client-node')

export interface KubeconfigChoice {
  /** --kubeconfig: one file (wins over KUBECONFIG, like kubectl). */
  kubeconfig?: string
  /** --context: must exist in the loaded config. */
  context?: string
}

/** Where client-node (and kubectl) look for the in-cluster service-account token. */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token'

/**
 * Loads credentials the way kubectl does: `--kubeconfig FILE`, else `$KUBECONFIG` (several
 * files joined with `:`, merged, first wins), else `~/.kube/config`, else the in-cluster
 * service account when running as a pod. Exec credential plugins in `users[].user.exec` are run
 * by client-node on each request. No kubeconfig at all is an error, not a silent
 * `http://localhost:8080` (client-node's last resort).
 */
export function loadKubeconfig(k8s: ClientModule, choice: KubeconfigChoice): {kc: KubeConfig; source: string} {
  const kc = new k8s.KubeConfig()
  let source: string
  try {
    if (choice.kubeconfig) {
      if (!existsSync(choice.kubeconfig)) throw new ClusterError(`kubeconfig ${choice.kubeconfig} does not exist`, 'pass the path of a kubeconfig file with --kubeconfig')
      kc.loadFromFile(choice.kubeconfig)
      source = choice.kubeconfig
    } else {
      kc.loadFromDefault()
      source = process.env['KUBECONFIG'] ? `KUBECONFIG=${process.env['KUBECONFIG']}` : existsSync(SERVICE_ACCOUNT_TOKEN) && kc.getCurrentContext() === 'inClusterContext' ? 'in-cluster service account' : '~/.kube/config'
      if (kc.getCurrentContext() === 'loaded-context' && kc.getCurrentCluster()?.server === 'http://localhost:8080') {
        throw new ClusterError('no kubeconfig found (no --kubeconfig, no $KUBECONFIG, no ~/.kube/config, not running in a pod)', 'pass --kubeconfig FILE or set KUBECONFIG')
      }
    }
  } catch (err) {
    if (err instanceof ClusterError) throw err
    const msg = (err as Error).message?.split('\n')[0] ?? String(err)
    throw new ClusterError(`cannot load the kubeconfig (${choice.kubeconfig ?? 'default locations'}): ${msg}`, 'check that the file is a valid kubeconfig (kubectl config view)', {cause: err})
  }
  if (choice.context) {
    if (!kc.getContextObject(choice.context)) {
      const known = kc.getContexts().map((c) => c.name)
      throw new ClusterError(`context "${choice.context}" not found in ${source}`, known.length ? `use one of: ${known.join(', ')}` : 'the kubeconfig defines no contexts')
    }
    kc.setCurrentContext(choice.context)
  }
  if (!kc.getCurrentCluster()) {
    throw new ClusterError(`the kubeconfig (${source}) has no current context with a cluster`, 'pass --context NAME (kubectl config get-contexts lists them)')
  }
  return {kc, source}
}
