#!/usr/bin/env bash
# The release build `make run` serves: the server and the browser's side
# (scripts/site.sh) at once. On two cores one compiles the server while the
# other runs the WebAssembly's single-threaded link-time optimisation.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p target
log=target/site.log
# In a process group of its own, so a failed server build stops it too.
setsid scripts/site.sh >"$log" 2>&1 &
site=$!
trap 'kill -- -$site 2>/dev/null || true' EXIT
cargo build --release --package=server --bin=markwell
trap - EXIT
if ! wait "$site"; then
  cat "$log" >&2
  echo "build: the browser's side failed to build (above)" >&2
  exit 1
fi
grep -v '^ *Compiling\|^ *Finished\|^ *Blocking' "$log" || true
