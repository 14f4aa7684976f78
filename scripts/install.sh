#!/usr/bin/env bash
# Create .venv and install kg with its test tools and Ray (the tests of kg build --ray),
# offline-safe for the run itself.
# torch is pinned to the CPU build first: an unpinned torch would pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check "torch==2.13.0"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test,ray]"
echo "kg installed in .venv (run: .venv/bin/kg --help)"
