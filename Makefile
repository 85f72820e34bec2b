# Markwell: `make run` and `make test` are all a fresh machine needs.
# Builds use plain cargo, the wasm-bindgen CLI, wasm-opt and Lightning CSS
# (scripts/site.sh); cargo-leptos is installed for `make dev` only.
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export SQLX_OFFLINE := true
# A fresh clone in CI builds once: incremental caches would only fill the disk
# (several GB) and slow the build.
ifeq ($(CI),true)
export CARGO_INCREMENTAL := 0
endif
# The Rust tests' one build: app and server together, so their dependencies
# compile once with one set of features. Its target/debug/markwell is also the
# server the browser tests run.
RUST_TESTS := cargo test --package=app --package=server --features=app/ssr

.PHONY: run test dev bench lint rust-test site e2e sqlx-prepare sqlx-check

run:
	scripts/setup.sh run
	scripts/build.sh
	scripts/run.sh

dev:
	scripts/setup.sh dev
	RUST_BACKTRACE=0 cargo leptos watch --split

test:
	scripts/setup.sh test
	scripts/test.sh

# Clippy on the server side also checks .sqlx/ against the code and the
# migrations (scripts/sqlx.sh), in the same compile.
lint:
	cargo fmt --all --check
	cargo machete
	scripts/sqlx.sh check clippy --package=app --package=server --all-targets -- -D warnings
	cargo clippy --package=frontend --target=wasm32-unknown-unknown -- -D warnings
	cargo clippy --package=wasm-split -- -D warnings

rust-test:
	$(RUST_TESTS)

# The browser's side, release-built: what `make run`, the browser tests and
# the benchmarks all serve.
site:
	scripts/site.sh

e2e: site
	$(RUST_TESTS) --no-run
	cd end2end && npx playwright test

# After changing a query or a migration: refresh .sqlx/ and commit it.
sqlx-prepare:
	scripts/sqlx.sh prepare

sqlx-check:
	scripts/sqlx.sh check

# Performance targets are measured here, never in timed tests.
bench:
	scripts/setup.sh bench
	cargo bench -p server --bench sign_in
	cargo bench -p server --bench parents
	cargo bench -p server --bench markbook
	cargo bench -p server --bench reports
	cargo bench -p server --bench mis
	cargo bench -p server --bench classroom
	cargo bench -p server --bench progress
	cargo bench -p server --bench load
	scripts/build.sh
	scripts/bench-browser.sh
