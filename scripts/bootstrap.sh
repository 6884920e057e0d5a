#!/usr/bin/env bash
# Create or refresh the project's virtual environment in .venv from requirements.lock.
#
# Rasa 3.6 runs on Python 3.8-3.10 only; this project is locked for 3.10. The script looks for a
# 3.10 interpreter (PYTHON env var, pyenv, python3.10 on PATH, ~/.pyenv) and stops with a clear
# message when there is none. The install is skipped when the lock file has not changed since the
# last successful install (a hash is kept in .venv/.lock-hash).
set -euo pipefail

cd "$(dirname "$0")/.."
VENV=.venv
LOCK=requirements.lock
WANT_MINOR="3.10"

is_py310() {
  [ -n "$1" ] && [ -x "$(command -v "$1" 2>/dev/null || echo "$1")" ] &&
    [ "$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$WANT_MINOR" ]
}

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  if command -v pyenv >/dev/null 2>&1; then
    local prefix
    prefix=$(pyenv prefix "$(cat .python-version)" 2>/dev/null || true)
    [ -n "$prefix" ] && candidates+=("$prefix/bin/python")
  fi
  candidates+=(python3.10)
  for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*; do
    [ -d "$dir" ] && candidates+=("$dir/bin/python")
  done
  candidates+=(/usr/local/bin/python3.10 /usr/bin/python3.10)
  for c in "${candidates[@]}"; do
    if is_py310 "$c"; then
      command -v "$c" 2>/dev/null || echo "$c"
      return 0
    fi
  done
  return 1
}

lock_hash() { sha256sum "$LOCK" | cut -d' ' -f1; }

# The notice reader (notice_reader/) runs the Tesseract OCR engine with English and Spanish data,
# and its tests render pages with the DejaVu fonts. Install the Debian packages when missing.
OCR_PKGS=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa fonts-dejavu-core)
ensure_ocr_packages() {
  local missing=() p
  for p in "${OCR_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> Installing the OCR packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  if ! command -v apt-get >/dev/null 2>&1 ||
    ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; }; then
    cat >&2 <<MSG
ERROR: could not install ${missing[*]} (needed to read notices from photos and PDFs).
Install them with your system's package manager (Debian/Ubuntu: apt-get install ${OCR_PKGS[*]})
as root, then run this script again.
MSG
    exit 1
  fi
}
ensure_ocr_packages

if [ -x "$VENV/bin/python" ] && ! is_py310 "$VENV/bin/python"; then
  echo "==> $VENV is not Python $WANT_MINOR; recreating it"
  rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
  if ! PY=$(find_python); then
    cat >&2 <<MSG
ERROR: Python $WANT_MINOR was not found.
Rasa Open Source 3.6 supports Python 3.8-3.10 only, and this project is locked for $WANT_MINOR.
Install it (for example: pyenv install $(cat .python-version)) or point PYTHON at one:
  PYTHON=/path/to/python3.10 make run
MSG
    exit 1
  fi
  echo "==> Creating $VENV with $PY ($("$PY" --version))"
  "$PY" -m venv "$VENV"
fi

if [ -f "$VENV/.lock-hash" ] && [ "$(cat "$VENV/.lock-hash")" = "$(lock_hash)" ]; then
  exit 0
fi

echo "==> Installing the locked dependencies into $VENV (first time: about 2.7 GB, several minutes)"
# Some machines list package folders that do not exist; pip warns once per package. Hide only that.
quiet_pip() { "$VENV/bin/python" -m pip "$@" 2> >(grep -v "is neither a file nor a directory" >&2); }
quiet_pip install --quiet --upgrade "pip<24.1" "setuptools<71" "wheel==0.45.1"
quiet_pip install --quiet --progress-bar off --no-deps -r "$LOCK"
"$VENV/bin/python" -m pip check
lock_hash > "$VENV/.lock-hash"
echo "==> Environment ready"
