#!/usr/bin/env bash
# Stand-in for `cargo` while `napi build` runs (napi-rs spawns "$CARGO" when set).
#
# `napi build` always passes `--target <triple>`. For the host's own triple that
# only moves the build into target/<triple>/, where cargo compiles every
# dependency a second time instead of reusing the workspace's target/<profile>/.
# This wrapper drops `--target` when it names the host, lets cargo build into
# the shared directory, then links the library to where napi looks for it
# (target/<triple>/<profile>/). Any other target, and every other cargo
# command, passes through unchanged.
set -euo pipefail
unset CARGO

lib=libbrandrail_node.so

if [[ "${1:-}" != build ]]; then
    exec cargo "$@"
fi

host="$(rustc -vV | sed -n 's/^host: //p')"
args=()
triple=""
profile=debug
target_dir="${CARGO_TARGET_DIR:-${CARGO_BUILD_TARGET_DIR:-}}"
while (($#)); do
    case "$1" in
        --target) triple="$2"; shift 2; continue ;;
        --target=*) triple="${1#--target=}"; shift; continue ;;
        --release|-r) profile=release ;;
        --profile) profile="$2"; [[ "$profile" == dev ]] && profile=debug; [[ "$profile" == test ]] && profile=debug ;;
        --target-dir) target_dir="$2" ;;
    esac
    args+=("$1")
    shift
done

if [[ -n "$triple" && "$triple" != "$host" ]]; then
    exec cargo "${args[@]}" --target "$triple"
fi

cargo "${args[@]}"

if [[ -n "$triple" ]]; then
    if [[ -z "$target_dir" ]]; then
        target_dir="$(cargo metadata --format-version 1 --no-deps \
            | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
    fi
    mkdir -p "$target_dir/$triple/$profile"
    ln -sfn "../../$profile/$lib" "$target_dir/$triple/$profile/$lib"
fi
