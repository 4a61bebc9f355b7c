#!/usr/bin/env bash
# Installs what EduBureau needs into the project folder: a virtual environment with the pinned Python
# packages, and the front-end packages from the npm registry (copied into a git-ignored static folder).
# Re-running is cheap: each step is skipped while its inputs are unchanged.
# Usage: scripts/bootstrap.sh [runtime|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
extras=${1:-runtime}
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x .venv/bin/python ]; then
  echo "==> creating virtual environment (.venv) with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi

spec="."
[ "$extras" = "dev" ] && spec=".[dev]"
stamp=".venv/.installed-$extras"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing Python packages ($extras)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
  echo "$want" > "$stamp"
fi

stamp_js="node_modules/.installed"
want_js="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp_js" ] || [ "$(cat "$stamp_js")" != "$want_js" ] || [ ! -d edubureau/web/static/vendor ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is required (Node.js 18+)." >&2; exit 1; }
  echo "==> installing front-end packages from the npm registry"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want_js" > "$stamp_js"
fi
