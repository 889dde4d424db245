#!/usr/bin/env bash
# Builds the Node binding (debug) and runs its tests. Works from any directory
# and on a clean clone with Rust and Node >= 18 installed: npm packages go into
# bindings-node/node_modules; the native library builds into the workspace's
# shared target/debug (see scripts/cargo-shared-target.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# `npm ci` cannot be used: the napi-rs cli lists optional packages for other
# platforms that some registries lack. `npm install` honours package-lock.json.
if [[ ! -d node_modules || package.json -nt node_modules || package-lock.json -nt node_modules ]]; then
    npm install --no-audit --no-fund
    touch node_modules
fi

npm run build
node --test __test__/
