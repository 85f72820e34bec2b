#!/usr/bin/env bash
# The server Playwright tests run against: the built binary over a fresh
# SQLite file holding the demo school, on its own port.
set -euo pipefail
cd "$(dirname "$0")/.."
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
export DATABASE_URL="sqlite://$folder/markwell.db"
export LEPTOS_SITE_ADDR=${LEPTOS_SITE_ADDR:-127.0.0.1:3100}
export LEPTOS_SITE_ROOT=target/site
export MARKWELL_OUTBOX="$folder/outbox"
# The mail sink the browser tests start (end2end/mail/sink.mjs).
export SMTP_URL=${SMTP_URL:-smtp://127.0.0.1:2526}
# Where the browser tests find the database, to build an MIS file from the
# roll as it stands (end2end/tests/sync).
mkdir -p target
echo "$folder/markwell.db" > target/e2e-database
bin=target/debug/markwell
"$bin" demo >/dev/null
"$bin" serve
