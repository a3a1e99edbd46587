#!/usr/bin/env bash
# Builds the tiny container rootfs densityplan validate starts with crun: a static busybox
# and /bin/true (a busybox applet link), plus empty mount points. Usage: build-rootfs.sh DIR
# (creates DIR/rootfs). Needs busybox-static (scripts/test-prereqs.sh installs it).
set -euo pipefail
dir="${1:?usage: build-rootfs.sh DIR}"
bb="${BUSYBOX:-/bin/busybox}"
if [ ! -x "$bb" ]; then
  echo "densityplan: no static busybox at $bb; install it (Debian: apt-get install -y busybox-static) or run scripts/test-prereqs.sh" >&2
  exit 2
fi
if ldd "$bb" >/dev/null 2>&1; then
  echo "densityplan: $bb is dynamically linked; the container rootfs needs busybox-static" >&2
  exit 2
fi
rootfs="$dir/rootfs"
mkdir -p "$rootfs"/{bin,proc,sys,dev,tmp,etc}
cp "$bb" "$rootfs/bin/busybox"
ln -sf busybox "$rootfs/bin/true"
ln -sf busybox "$rootfs/bin/sh"
echo "$rootfs"
