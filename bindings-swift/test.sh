#!/usr/bin/env bash
# Builds the uniffi library (debug), checks that the committed Swift/Kotlin
# bindings are current, and runs the pytest suite against uniffi's generated
# Python bindings, which drive the same FFI the Swift and Kotlin apps use.
#
#   bindings-swift/test.sh [pytest args…]
#
# Works from any directory and on a clean clone. Uses the repository's .venv
# (created with pytest if missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

echo "==> cargo build -p brandrail-uniffi -p uniffi-bindgen (debug)"
# One invocation for both, so cargo unifies their features once.
(cd "$root" && cargo build -p brandrail-uniffi -p uniffi-bindgen)

echo "==> committed Swift/Kotlin bindings are current"
"$here/generate.sh" --check --no-build

echo "==> Python bindings for the tests"
case "$(uname -s)" in
  Darwin) lib="$target/debug/libbrandrail_mobile.dylib" ;;
  *) lib="$target/debug/libbrandrail_mobile.so" ;;
esac
generated="$here/tests/generated"
rm -rf "$generated"
mkdir -p "$generated"
(cd "$root" && "$target/debug/uniffi-bindgen" generate --library "$lib" \
  --language python --no-format --out-dir "$generated" >/dev/null)
cp "$lib" "$generated/"

venv="$root/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "==> creating $venv"
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import pytest" 2>/dev/null; then
  "$venv/bin/python" -m pip install --quiet pytest
fi

echo "==> pytest"
cd "$here/tests"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
