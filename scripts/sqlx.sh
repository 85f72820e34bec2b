#!/usr/bin/env bash
# Runs `cargo sqlx prepare` (or its --check) against a scratch database built
# from the migrations, so nobody needs a live database to build Markwell.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p target/sqlx
db=target/sqlx/prepare.db
rm -f "$db" "$db"-wal "$db"-shm
export DATABASE_URL="sqlite://$db"
export SQLX_OFFLINE=false
sqlx database create
sqlx migrate run >/dev/null
case "${1:-check}" in
  prepare) cargo sqlx prepare --workspace -- --tests ;;
  check) cargo sqlx prepare --workspace --check -- --tests ;;
esac
