#!/usr/bin/env bash
# Builds the measurement probe (native/probe/*.c) with the machine's C compiler into
# native/build/dp-probe. Called lazily by `densityplan calibrate` / `validate`; safe to rerun.
# With --static it builds native/build/dp-probe-static instead: linked statically (glibc's
# static libc covers everything the probe calls: no NSS, no dlopen) and stripped, so
# `calibrate --node` can stream it into a pod whose image has no libc at all (busybox).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cc_bin="${CC:-cc}"
if ! command -v "$cc_bin" >/dev/null 2>&1; then
  echo "densityplan: no C compiler ('$cc_bin') found; install one (Debian: apt-get install -y gcc) or set CC" >&2
  exit 2
fi
mkdir -p "$root/native/build"
out="$root/native/build/dp-probe"
extra=()
if [ "${1:-}" = "--static" ]; then
  out="$root/native/build/dp-probe-static"
  extra=(-static -s)
fi
"$cc_bin" -O2 -Wall -Wextra -Werror -std=gnu11 -pthread "${extra[@]}" -o "$out.tmp" "$root"/native/probe/*.c
mv -f "$out.tmp" "$out"
echo "$out"
