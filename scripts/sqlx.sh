#!/usr/bin/env bash
# Keeps .sqlx/ (the query data Markwell builds from, with no database) true to
# the code and the migrations, without sqlx-cli. sqlx's macros, compiling
# against a scratch database built from migrations/, write each query's data
# to SQLX_OFFLINE_DIR; that folder is then compared with .sqlx/ (check) or
# becomes it (prepare).
#
#   scripts/sqlx.sh check|prepare [cargo subcommand and arguments]
#   scripts/sqlx.sh arm    (make test's first step: see below)
#
# The cargo command defaults to `cargo check` of app and server, all targets;
# `make lint` passes its clippy run instead, so the check costs no extra build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

mode=${1:-check}
shift || true
[ $# -gt 0 ] || set -- check -p app -p server --all-targets --features app/ssr

mkdir -p target/sqlx
stamp=target/sqlx/checked
armed=target/sqlx/armed
changed_since() {
  [ ! -f "$1" ] || [ -n "$(find app server migrations .sqlx Cargo.lock -newer "$1" -print -quit)" ]
}
# The macros run again only when their crates compile again, so the crate
# roots are touched. `make test` does that first ("arm"), before the release
# WebAssembly starts building beside the checks: touched later, they would
# make that build start over.
touch_roots() {
  touch app/src/lib.rs server/src/lib.rs server/src/main.rs server/tests/api/main.rs server/benches/*.rs
  touch "$armed"
}
if [ "$mode" = arm ]; then
  if changed_since "$stamp"; then touch_roots; fi
  exit 0
fi
# Nothing changed since the last check passed: the cargo command alone.
if [ "$mode" = check ] && ! changed_since "$stamp"; then
  exec cargo "$@"
fi
rm -f "$stamp"
db=$PWD/target/sqlx/scratch.db
out=$PWD/target/sqlx/queries
rm -rf "$db" "$db"-wal "$db"-shm "$out"
mkdir -p "$out"
python3 - "$db" migrations/*.sql <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
for migration in sys.argv[2:]:
    db.executescript(open(migration, encoding="utf-8").read())
PY

if [ "$mode" = prepare ] || [ ! -f "$armed" ]; then touch_roots; fi
# Used up before cargo runs: if the build fails, the next check touches the
# roots again rather than trusting crates that wrote no query data.
rm -f "$armed"
SQLX_OFFLINE=false DATABASE_URL="sqlite://$db" SQLX_OFFLINE_DIR="$out" cargo "$@"

case "$mode" in
  check)
    if ! diff -rq .sqlx "$out" >/dev/null; then
      echo "sqlx: .sqlx/ is out of date for the queries in the code:" >&2
      diff -rq .sqlx "$out" >&2 || true
      echo "Run: make sqlx-prepare, and commit .sqlx/" >&2
      exit 1
    fi
    touch "$stamp"
    echo "sqlx: .sqlx/ matches the queries ($(ls "$out" | wc -l) of them)"
    ;;
  prepare)
    rm -rf .sqlx
    cp -r "$out" .sqlx
    echo "sqlx: wrote $(ls .sqlx | wc -l) queries to .sqlx/; commit it"
    ;;
  *)
    echo "usage: scripts/sqlx.sh check|prepare [cargo arguments]" >&2
    exit 2
    ;;
esac
