# Markwell: `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export SQLX_OFFLINE := true
# cargo-leptos prints a long backtrace after its error, which buries the error
# itself at the end of a log; the error alone says what went wrong.
LEPTOS := RUST_BACKTRACE=0 cargo leptos
# A fresh clone in CI builds once: incremental caches would only fill the disk
# (several GB) and slow the build.
ifeq ($(CI),true)
export CARGO_INCREMENTAL := 0
endif

.PHONY: run test dev bench setup lint rust-test release-wasm e2e sqlx-prepare sqlx-check

run:
	scripts/setup.sh build
	$(LEPTOS) build --release
	scripts/run.sh

dev:
	scripts/setup.sh build
	$(LEPTOS) watch

test:
	scripts/setup.sh test
	$(MAKE) --no-print-directory lint sqlx-check rust-test release-wasm e2e

lint:
	cargo fmt --all --check
	cargo clippy -p app -p server --all-targets -- -D warnings
	cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

rust-test:
	cargo test -p app --features ssr
	cargo test -p server

# The WebAssembly that `make run` builds, built as cargo-leptos builds it (same
# profile and folder, so `make run` reuses it). Only this optimised build has
# outgrown the compiler's recursion limit on a deep view type; catch it here.
release-wasm:
	cargo build --package=frontend --lib --target-dir=target/front --target=wasm32-unknown-unknown --no-default-features --profile=wasm-release

# The browser suite runs against a debug build (quicker to make than release).
e2e:
	$(LEPTOS) build
	cd end2end && npx playwright test

# After changing a query or a migration: refresh .sqlx/ and commit it.
sqlx-prepare:
	scripts/setup.sh sqlx
	scripts/sqlx.sh prepare

# Fails when .sqlx/ is missing or out of date for the queries in the code.
sqlx-check:
	scripts/sqlx.sh check

# Performance targets are measured here, never in timed tests.
bench:
	scripts/setup.sh build
	cargo bench -p server --bench sign_in
	cargo bench -p server --bench parents
	cargo bench -p server --bench markbook
	cargo bench -p server --bench reports
	$(LEPTOS) build --release
	scripts/bench-browser.sh
