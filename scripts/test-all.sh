#!/usr/bin/env bash
# Builds everything and runs every test of every language: format and lint
# gates, the Rust core (unit, integration, crash and multi-process tests, shared
# vectors, doc tests), the tour as a smoke test, then the Python, Node and uniffi
# bindings, each through its own test script. Works on a clean clone with Rust,
# Python 3.11 and Node 20: Python packages go into ./.venv, npm packages into
# bindings-node/node_modules. All builds use the debug profile in ./target.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

section() { printf '\n==== %s (%ss)\n' "$1" "$((SECONDS - started))"; }

section "format and lint"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --features brandrail/bench-internals -- -D warnings

section "Rust core"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run -p brandrail --no-fail-fast
else
  cargo test -p brandrail --tests
fi
cargo test -p brandrail --doc

section "tour (the README's main job)"
tour_db="$(mktemp -d)/tour.sqlite"
cargo run -q -p brandrail-examples --bin tour -- "$tour_db" > "${tour_db%.sqlite}.log"
grep -q "chain intact" "${tour_db%.sqlite}.log"
tail -n 1 "${tour_db%.sqlite}.log"

section "Python binding"
bash bindings-python/test.sh

section "Node binding"
bash bindings-node/test.sh

section "uniffi binding (Swift/Kotlin FFI, exercised through Python)"
bash bindings-swift/test.sh

section "all tests passed"
# Each suite above stops the script on its first failure (set -e), so reaching
# this line means every suite passed: Rust core, tour, Python, Node, uniffi.
echo "suites: 5 passed, 0 failed"
