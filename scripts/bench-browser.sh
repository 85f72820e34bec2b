#!/usr/bin/env bash
# `make bench`: the markbook in a real browser. Builds nothing: it serves the
# release build (`scripts/build.sh`) as scripts/e2e-server.sh
# serves the debug one, over a fresh SQLite file holding the demo school and
# the 35 × 150 "Bench 6" grid of scripts/bench-seed.sql (the grid
# `cargo bench -p server --bench markbook` measures too), runs
# end2end/bench/markbook.bench.mjs against it, then each role's first and
# repeat visit (end2end/bench/first-visit.bench.mjs), then Lighthouse
# (mobile) on the demo parent's home, child and report pages with
# end2end/bench/report.lighthouse.mjs, and stops the server.
#
# MARKWELL_BIN and LEPTOS_SITE_ROOT choose another build, such as one made
# with CARGO_TARGET_DIR set; BENCH_PORT another port.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${MARKWELL_BIN:-target/release/markwell}
port=${BENCH_PORT:-3102}
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
export LEPTOS_SITE_ADDR=127.0.0.1:$port

if [ ! -x "$bin" ]; then
  echo "bench-browser: no $bin; build it first with: scripts/build.sh" >&2
  exit 1
fi
if [ ! -f "$LEPTOS_SITE_ROOT/pkg/markwell_bg.wasm" ]; then
  echo "bench-browser: no $LEPTOS_SITE_ROOT/pkg/markwell_bg.wasm; build it first with: scripts/build.sh" >&2
  exit 1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "bench-browser: something is already listening on port $port (set BENCH_PORT to use another)" >&2
  exit 1
fi

folder=$(mktemp -d)
server=
stop() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server"
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$folder"
}
trap stop EXIT
db="$folder/markwell.db"
export DATABASE_URL="sqlite://$db"
export MARKWELL_OUTBOX="$folder/outbox"
unset SMTP_URL

"$bin" demo >/dev/null
# The same SQL the Rust benchmark runs. sqlite3 when installed, else
# Python's own SQLite module.
if command -v sqlite3 >/dev/null; then
  sqlite3 -bail "$db" <scripts/bench-seed.sql
  query() { sqlite3 "$db" "$1"; }
elif command -v python3 >/dev/null; then
  python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1], isolation_level=None).executescript(open(sys.argv[2]).read())' \
    "$db" scripts/bench-seed.sql
  query() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$db" "$1"; }
else
  echo "bench-browser: seeding needs the sqlite3 command or python3 (apt-get install sqlite3)" >&2
  exit 1
fi
group=$(query "SELECT id FROM groups WHERE name = 'Bench 6'")
subject=$(query "SELECT id FROM subjects WHERE name = 'Bench'")

"$bin" serve >"$folder/server.log" 2>&1 &
server=$!
ready=
for _ in $(seq 1 120); do
  if curl -sf -o /dev/null "http://$LEPTOS_SITE_ADDR/sign-in"; then
    ready=yes
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "bench-browser: the server stopped:" >&2
    cat "$folder/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "bench-browser: the server didn't answer within a minute:" >&2
  cat "$folder/server.log" >&2
  exit 1
fi
# The page must ask for WebAssembly the site has (a site built by another
# tool, such as `make dev`'s cargo-leptos, names it differently).
wasm=$(curl -sf "http://$LEPTOS_SITE_ADDR/sign-in" | grep -o '/pkg/[^"]*\.wasm' | head -n 1 || true)
if [ -z "$wasm" ] || ! curl -sf -o /dev/null "http://$LEPTOS_SITE_ADDR$wasm"; then
  echo "bench-browser: the page asks for ${wasm:-no WebAssembly}, which $LEPTOS_SITE_ROOT doesn't serve;" \
    "rebuild with: scripts/build.sh" >&2
  exit 1
fi

BENCH_URL="http://$LEPTOS_SITE_ADDR" \
  BENCH_PATH="/markbook?group=$group&subject=$subject&year=all" \
  node end2end/bench/markbook.bench.mjs

# Each role's first and repeat visit on a phone: bytes and time to interactive.
BENCH_URL="http://$LEPTOS_SITE_ADDR" \
  CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} \
  node end2end/bench/first-visit.bench.mjs

# The script finds the parent's child and report itself, from their home page.
for page in home child report; do
  BENCH_PAGE=$page BENCH_URL="http://$LEPTOS_SITE_ADDR" \
    CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} \
    node end2end/bench/report.lighthouse.mjs
done
