#!/usr/bin/env bash
# The test command of the README (and of CI): install what is needed, then run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/install-browser.sh
exec .venv/bin/python -m pytest -q "$@"
