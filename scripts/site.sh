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
# built with `erase_components` (.cargo/config.toml).
cargo build --package=frontend --lib --target=wasm32-unknown-unknown \
  --profile=wasm-release --target-dir=target/front
wasm=target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm

# The name leptos's <HydrationScripts> asks for: markwell.js and markwell_bg.wasm.
if [ ! -f "$pkg/markwell_bg.wasm" ] || [ "$wasm" -nt "$pkg/markwell_bg.wasm" ]; then
  fresh=$(mktemp -d target/site-pkg.XXXXXX)
  wasm-bindgen --target web --no-typescript --out-dir "$fresh" --out-name markwell "$wasm"
  # Rust's wasm32 target emits these features; wasm-opt must be told of them.
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$fresh/markwell_bg.wasm" "$fresh/markwell_bg.wasm"
  rm -rf "$pkg.old"
  [ -d "$pkg" ] && mv "$pkg" "$pkg.old"
  mv "$fresh" "$pkg"
  rm -rf "$pkg.old"
  printf 'site: %s KB of WebAssembly\n' "$(($(stat -c %s "$pkg/markwell_bg.wasm") / 1024))"
fi

lightningcss --minify --targets 'defaults' style/main.css -o "$pkg/markwell.css"
cp -r public/. "$site/"
