#!/usr/bin/env bash
# Creates <repo>/.venv with the Python tools the tests and templates need: moto server (AWS API emulator for the
# integration tests), cfn-lint and the SAM CLI. Idempotent: a stamp file records the pinned set that was installed,
# and a second run with the same pins does nothing. Progress goes to stderr.
set -euo pipefail

PINS=(
  'moto[server]==5.2.5'
  'cfn-lint==1.58.0'
  'aws-sam-cli==1.170.0'
)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.venv"
stamp="$venv/.access-remediator-python-pins"
wanted="$(printf '%s\n' "${PINS[@]}")"

log() { printf 'setup-python: %s\n' "$*" >&2; }

if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" && -x "$venv/bin/moto_server" ]]; then
  log "$venv already has the pinned versions; nothing to do"
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  log "$python not found: install Python 3.9 or later"
  exit 1
fi

# Debian and Ubuntu ship venv (and ensurepip) separately from python3.
if ! "$python" -m venv --help >/dev/null 2>&1 || ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "python3 -m venv is not usable; installing python3-venv with apt-get"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv >&2
  else
    log "python3 -m venv is not usable: install the python3-venv package (as root: apt-get install python3-venv)"
    exit 1
  fi
fi

if [[ ! -x "$venv/bin/python" ]]; then
  log "creating $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi

log "upgrading pip in $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
log "installing ${PINS[*]}"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}" >&2

for tool in moto_server cfn-lint sam; do
  if [[ ! -x "$venv/bin/$tool" ]]; then
    log "installation finished but $venv/bin/$tool is missing"
    exit 1
  fi
done
printf '%s\n' "$wanted" >"$stamp"
log "done: $("$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -Ei '^(moto|cfn-lint|aws-sam-cli) ' | tr -s ' ' | paste -sd ',' -)"
