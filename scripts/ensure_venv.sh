#!/usr/bin/env bash
# Creates the project's virtual environment: ensure_venv.sh PYTHON VENV_DIR.
# On Debian/Ubuntu the venv module lives in the python3-venv package: install it when missing.
set -euo pipefail
PY="${1:-python3}"
VENV="${2:-.venv}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Se necesita Python 3.11 o posterior («$PY» no lo es o no existe)." >&2
  exit 1
fi
if ! "$PY" -m venv "$VENV" 2>/dev/null; then
  rm -rf "$VENV"
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    echo "Instalando el módulo venv de Python (paquete de Debian)…" >&2
    $SUDO apt-get update -qq
    ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "python${ver}-venv" >/dev/null \
      || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  fi
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip --version >/dev/null
