#!/usr/bin/env bash
# Writes the SAGA reference fixtures of tests/tests/saga.rs: random problem
# instances from SAGA's own generators, and SAGA 2.1.0's makespans on them.
#
#   scripts/saga-reference.sh [OUT_DIR]      (default: tests/fixtures/saga)
#
# Creates a Python 3.12 virtual environment in .venv-saga (once; ignored by
# git) with anrg-saga 2.1.0 from PyPI, then runs scripts/saga_reference.py.
# The instances are made under PYTHONHASHSEED=0, which fixes the order in
# which SAGA iterates its sets of nodes and tasks; the instance files list
# nodes in that order. See the script for how order-dependent results are found.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-tests/fixtures/saga}
python=${PYTHON:-python3.12}
if ! command -v "$python" >/dev/null || ! "$python" -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
    # pyenv installs a shim for every version; ask it for a 3.12.
    python="env PYENV_VERSION=$(pyenv versions --bare 2>/dev/null | grep -m1 '^3\.12') python3.12"
fi
if [ ! -x .venv-saga/bin/python ]; then
    $python -m venv .venv-saga
    .venv-saga/bin/pip install -q -r scripts/saga-requirements.txt
fi
PYTHONHASHSEED=0 .venv-saga/bin/python scripts/saga_reference.py "$out"
