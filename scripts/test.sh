#!/usr/bin/env bash
# `make test` after set-up: lint (with the .sqlx/ check), the Rust tests, then
# the browser tests. The release site they serve is built in the background
# from the start, beside the checks, so its single-threaded link-time
# optimisation uses the core the checks leave idle.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
scripts/sqlx.sh arm
log=target/site.log
# In a process group of its own, so a failing check stops all of it.
setsid make --no-print-directory site >"$log" 2>&1 &
site=$!
trap 'kill -- -$site 2>/dev/null || true' EXIT
make --no-print-directory lint rust-test
echo "==> Lint and the Rust tests took $((SECONDS / 60)) min $((SECONDS % 60)) s; waiting for the site build"
if ! wait "$site"; then
  cat "$log" >&2
  echo "test: the site failed to build (above)" >&2
  exit 1
fi
trap - EXIT
grep -v '^ *Compiling\|^ *Finished\|^ *Blocking' "$log" || true
echo "==> The browser tests, from $((SECONDS / 60)) min $((SECONDS % 60)) s"
# Their summary (N passed, N failed) is the last line, for CI.
make --no-print-directory e2e
