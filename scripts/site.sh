#!/usr/bin/env bash
# Builds the browser's side of Markwell into target/site, as the server serves
# it: the WebAssembly (optimised, with its JavaScript glue) in pkg/, the CSS,
# and public/. One build serves `make run`, the browser tests and benchmarks.
# Steps whose inputs haven't changed are skipped, so a warm run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

site=target/site
pkg=$site/pkg
mkdir -p "$pkg"

# Its own target folder, so it can build beside the server's cargo. Both are
# built with `erase_components` (.cargo/config.toml); `--config` adds the
# relocations the splitting below needs to those flags (RUSTFLAGS would
# replace them, and the server and browser would no longer agree).
cargo build --package=frontend --lib --target=wasm32-unknown-unknown \
  --profile=wasm-release --target-dir=target/front \
  --config 'build.rustflags=["-Clink-args=--emit-relocs"]'
cargo build --package=wasm-split --release --target-dir=target/front
wasm=target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm

# The names leptos's <HydrationScripts> asks for: markwell.js and
# markwell_bg.wasm, beside the staff pages' families (app::families): a
# split_*.wasm each, chunk_*.wasm for code some of them share, the loader
# __wasm_split.js and its manifest.
if [ ! -f "$pkg/markwell_bg.wasm" ] || [ "$wasm" -nt "$pkg/markwell_bg.wasm" ]; then
  fresh=$(mktemp -d target/site-pkg.XXXXXX)
  trap 'rm -rf "$fresh"' EXIT
  main=target/front/wasm32-unknown-unknown/wasm-release/markwell_main.wasm
  target/front/release/wasm-split "$wasm" "$fresh" "$main"
  # The loader calls into the main module's function table, which
  # wasm-bindgen would otherwise leave unexported.
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-dir "$fresh" --out-name markwell "$main"
  # Each file on its own, after splitting (optimising first would drop the
  # relocations the splitting reads). Rust's wasm32 target emits these
  # features; wasm-opt must be told of them. It doesn't know one kind of
  # name the linker writes, and would say so for every file. The notes of
  # which tools made a file and which features it uses are for tools, not
  # browsers: they are left out of the files sent.
  for file in "$fresh"/*.wasm; do
    wasm-opt -Oz --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      -o "$file" "$file" 2>&1 | { grep -v 'unknown name subsection' || true; } >&2
  done
  # The server's hashed folders of earlier builds stay (it keeps the latest
  # few): a tab opened before this build fetches its page families from them.
  find "$pkg" -mindepth 1 -maxdepth 1 -type d -regextype egrep -regex '.*/[0-9a-f]{16}' \
    -exec mv -t "$fresh" {} + 2>/dev/null || true
  rm -rf "$pkg.old"
  [ -d "$pkg" ] && mv "$pkg" "$pkg.old"
  mv "$fresh" "$pkg"
  rm -rf "$pkg.old"
  printf 'site: %s KB of WebAssembly to start with, %s KB in all\n' \
    "$(($(stat -c %s "$pkg/markwell_bg.wasm") / 1024))" "$(($(cat "$pkg"/*.wasm | wc -c) / 1024))"
fi

lightningcss --minify --targets 'defaults' style/main.css -o "$pkg/markwell.css"
cp -r public/. "$site/"
