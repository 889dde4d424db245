#!/usr/bin/env bash
# Build the Python binding (debug) into the repository's .venv and run its tests.
# Works from any directory and on a clean clone: needs only Rust and Python 3.9+.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating $venv"
    "$python" -m venv "$venv"
fi
# pandas is optional for users; the tests cover the DataFrame methods with it
# (and their ImportError without it).
if ! "$venv/bin/python" -c "import pytest, pandas" 2>/dev/null || [ ! -x "$venv/bin/maturin" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "maturin==1.16.*" pytest pandas
fi

# `maturin develop` installs into the environment named by VIRTUAL_ENV.
export VIRTUAL_ENV="$venv"
export PATH="$venv/bin:$PATH"
(cd "$root/bindings-python" && maturin develop --quiet)

cd "$root"
python -m pytest bindings-python/tests -q "$@"
