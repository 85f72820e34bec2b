#!/usr/bin/env bash
# Installs what each Markwell command needs, only when missing or of the wrong
# version, so a second run takes a second. Usage: scripts/setup.sh run|test|bench|dev
#   run    the wasm32 target, the wasm-bindgen CLI, wasm-opt and Lightning CSS
#   test   those, plus clippy, rustfmt, cargo-machete, Playwright, axe, Debian's
#          Chromium and Caddy, and openpyxl (PyPI) for a spreadsheet test
#   bench  test's, plus Lighthouse
#   dev    run's, plus cargo-leptos (its watch mode; nothing else uses it)
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-run}
case "$what" in run | test | bench | dev) ;; *)
  echo "usage: scripts/setup.sh run|test|bench|dev" >&2
  exit 2
  ;;
esac

# A first build of everything `make test` makes fills about 10 GB of target/.
free_gb=$(df -Pk . | awk 'NR == 2 { print int($4 / 1048576) }')
if [ "$free_gb" -lt 12 ]; then
  printf 'setup: only %s GB free on this disk; a first full build needs about 10 GB.\n' "$free_gb" >&2
fi
CARGO_LEPTOS_VERSION=0.3.10
# The wasm-bindgen CLI must match the library version in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Command-line tools are built for a quick install, not peak speed: what they
# do for Markwell takes seconds either way, and a full release build of
# cargo-leptos takes half an hour on two cores.
quick_install() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=true cargo install "$@"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
if [ "$what" != run ]; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      rustup component add "$component"
    fi
  done
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "Installing the wasm-bindgen CLI $WASM_BINDGEN_VERSION (about 2 minutes, once)"
  quick_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# cargo-machete: `make lint` fails on a dependency nothing uses.
CARGO_MACHETE_VERSION=0.9.2
if [ "$what" = test ] && [ "$(cargo machete --version 2>/dev/null | awk '{print $NF}')" != "$CARGO_MACHETE_VERSION" ]; then
  say "Installing cargo-machete $CARGO_MACHETE_VERSION (once)"
  quick_install cargo-machete --version "$CARGO_MACHETE_VERSION" --locked
fi

if [ "$what" = dev ] && [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION for make dev (once)"
  quick_install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# Node packages, from end2end/package-lock.json: the site's build tools
# (binaryen's wasm-opt, Lightning CSS) are its dependencies; Playwright, axe,
# the mail sink and Lighthouse are devDependencies, which `make run` skips.
node_modules=end2end/node_modules
installed=$node_modules/.package-lock.json
if [ "$what" = run ] || [ "$what" = dev ]; then
  if [ ! -x $node_modules/.bin/wasm-opt ] || [ ! -x $node_modules/.bin/lightningcss ] || [ end2end/package-lock.json -nt "$installed" ]; then
    say "Installing the site's build tools from npm (wasm-opt, Lightning CSS)"
    (cd end2end && npm ci --omit=dev --no-audit --no-fund)
  fi
else
  if [ ! -x $node_modules/.bin/playwright ] || [ end2end/package-lock.json -nt "$installed" ]; then
    say "Installing Node packages (wasm-opt, Lightning CSS, Playwright, axe-core, Lighthouse)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
  # openpyxl, for the Rust test that imports a spreadsheet another program
  # wrote, in its own virtual environment under target/.
  py=target/py
  if [ ! -x $py/bin/python ] || [ server/tests/requirements.txt -nt $py/installed ]; then
    say "Installing openpyxl from PyPI into $py (once)"
    python3 -m venv $py
    $py/bin/python -m pip install --quiet --disable-pip-version-check -r server/tests/requirements.txt
    touch $py/installed
  fi
  # Chromium for the browser tests, Caddy for the test behind a real proxy.
  missing=
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  [ -x /usr/bin/caddy ] || missing="$missing caddy"
  # The .sqlx/ check builds its scratch database with Python's sqlite3.
  command -v python3 >/dev/null || missing="$missing python3"
  if [ -n "$missing" ]; then
    say "Installing from Debian:$missing"
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
  fi
fi
