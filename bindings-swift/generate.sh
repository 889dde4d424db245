#!/usr/bin/env bash
# Regenerates the committed Swift and Kotlin bindings from the built library.
#
#   bindings-swift/generate.sh            build (debug), then refresh the committed files
#   bindings-swift/generate.sh --check    build, then fail if the committed files are stale
#   --no-build                            use the library and uniffi-bindgen already in target/debug
#
# Works from any directory. Writes only the generated files listed below.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

check=0
build=1
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    --no-build) build=0 ;;
    *) echo "usage: $0 [--check] [--no-build]" >&2; exit 2 ;;
  esac
done

if [[ "$build" == 1 ]]; then
  # One invocation for both, so cargo unifies their features once and the
  # library is not rebuilt with a different feature set.
  (cd "$root" && cargo build -p brandrail-uniffi -p uniffi-bindgen)
fi

case "$(uname -s)" in
  Darwin) lib="$target/debug/libbrandrail_mobile.dylib" ;;
  *) lib="$target/debug/libbrandrail_mobile.so" ;;
esac
bindgen="$target/debug/uniffi-bindgen"
for f in "$lib" "$bindgen"; do
  [[ -f "$f" ]] || { echo "missing $f; run without --no-build" >&2; exit 1; }
done

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

# uniffi-bindgen reads bindings-swift/uniffi.toml through cargo metadata.
(cd "$root" && for language in swift kotlin; do
  "$bindgen" generate --library "$lib" --language "$language" --no-format \
    --out-dir "$staging/raw/$language" >/dev/null
done)

# The committed layout: a Swift target `Brandrail` over the C module
# `BrandrailFFI` (SwiftPM wants the module map named module.modulemap), and
# the Kotlin package `com.brandrail`.
out="$staging/out"
mkdir -p "$out/Sources/Brandrail" "$out/Sources/BrandrailFFI/include" "$out/kotlin"
cp "$staging/raw/swift/Brandrail.swift" "$out/Sources/Brandrail/Brandrail.swift"
cp "$staging/raw/swift/BrandrailFFI.h" "$out/Sources/BrandrailFFI/include/BrandrailFFI.h"
cp "$staging/raw/swift/BrandrailFFI.modulemap" "$out/Sources/BrandrailFFI/include/module.modulemap"
cp -R "$staging/raw/kotlin/." "$out/kotlin/"

generated=(
  Sources/Brandrail/Brandrail.swift
  Sources/BrandrailFFI/include/BrandrailFFI.h
  Sources/BrandrailFFI/include/module.modulemap
  kotlin/com/brandrail/brandrail_mobile.kt
)
# Guard against uniffi adding or renaming an output file unnoticed.
produced="$(cd "$out" && find . -type f | sed 's|^\./||' | sort)"
expected="$(printf '%s\n' "${generated[@]}" | sort)"
if [[ "$produced" != "$expected" ]]; then
  echo "uniffi-bindgen produced an unexpected set of files:" >&2
  diff <(echo "$expected") <(echo "$produced") >&2 || true
  exit 1
fi

if [[ "$check" == 1 ]]; then
  stale=0
  for f in "${generated[@]}"; do
    if ! cmp -s "$out/$f" "$here/$f"; then
      echo "stale generated binding: bindings-swift/$f" >&2
      stale=1
    fi
  done
  if [[ "$stale" == 1 ]]; then
    echo "The committed Swift/Kotlin bindings do not match the Rust exports." >&2
    echo "Refresh them with: bindings-swift/generate.sh   (then commit the result)" >&2
    exit 1
  fi
  echo "generated Swift/Kotlin bindings are up to date"
else
  for f in "${generated[@]}"; do
    mkdir -p "$(dirname "$here/$f")"
    cp "$out/$f" "$here/$f"
  done
  echo "refreshed: ${generated[*]}"
fi
