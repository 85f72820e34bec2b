#!/usr/bin/env bash
# Migrates, loads the demo school into an empty database, prints the demo
# sign-ins and serves. Used by `make run` after the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .env ] && set -a && . ./.env && set +a
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
bin=target/release/markwell
mkdir -p data
"$bin" migrate
"$bin" demo --if-empty
echo "Open http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000} and sign in."
exec "$bin" serve
