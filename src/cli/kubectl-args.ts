/**
 * `kubectl densityplan ...`: kubectl hands a plugin every argument after its name and parses
 * none of them, so the plugin must accept kubectl's usual flags itself (krew best practices).
 * This maps them onto densityplan's flags: --kubeconfig and --context pass through,
 * -n/--namespace and -A/--all-namespaces in every spelling kubectl takes (`-n ns`, `-n=ns`,
 * `-nns`, `--namespace=ns`). kubectl connection flags densityplan does not take (--server,
 * --token, --user, ...) are an error that says to put them in a kubeconfig context.
 */

const UNSUPPORTED = [
  'as',
  'as-group',
  'as-uid',
  'cache-dir',
  'certificate-authority',
  'client-certificate',
  'client-key',
  'cluster',
  'disable-compression',
  'insecure-skip-tls-verify',
  'match-server-version',
  'password',
  'profile',
  'request-timeout',
  'server',
  'tls-server-name',
  'token',
  'user',
  'username',
  'v',
  'vmodule',
]

export type KubectlArgs = {ok: true; argv: string[]} | {ok: false; message: string; fix: string}

export function fromKubectlArgs(args: readonly string[]): KubectlArgs {
  if (args.length === 0) return {ok: true, argv: ['--help']}
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') {
      out.push(...args.slice(i))
      break
    }
    const long = /^--([a-z-]+)(?:=(.*))?$/.exec(a)
    const name = long?.[1] ?? (/^-s(=|$)/.test(a) ? 'server' : /^-v(=|\d|$)/.test(a) ? 'v' : undefined)
    if (name !== undefined && UNSUPPORTED.includes(name)) {
      return {
        ok: false,
        message: `kubectl flag --${name} is not supported by kubectl densityplan`,
        fix: 'put the server, credentials and user in a kubeconfig context and pass --context NAME (or --kubeconfig FILE)',
      }
    }
    const ns = /^-n(?:=)?(.+)$/.exec(a)
    if (ns) out.push('--namespace', ns[1]!)
    else if (a === '-n') out.push('--namespace', ...(i + 1 < args.length ? [args[++i]!] : []))
    else if (a === '--all-namespaces=true') out.push('--all-namespaces')
    else if (a === '--all-namespaces=false') continue
    else out.push(a)
  }
  return {ok: true, argv: out}
}
