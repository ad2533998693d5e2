#!/usr/bin/env bash
# Checks every CloudFormation/SAM template of the project: cfn-lint, `sam validate --lint`, then `sam build` of the
# central stack, printing the size of each function bundle. Uses the tools scripts/setup-python.sh installs in .venv
# (ACCESS_REMEDIATOR_VENV overrides the venv). Exit status: 0 when every check passed, 1 otherwise.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${ACCESS_REMEDIATOR_VENV:-$repo_root/.venv}"
build_dir="${SAM_BUILD_DIR:-$repo_root/.aws-sam/build}"
cd "$repo_root"

log() { printf 'check-templates: %s\n' "$*" >&2; }

for tool in cfn-lint sam; do
  if [[ ! -x "$venv/bin/$tool" ]]; then
    log "$venv/bin/$tool not found: run scripts/setup-python.sh first"
    exit 1
  fi
done
if [[ ! -x node_modules/.bin/esbuild ]]; then
  log "node_modules/.bin/esbuild not found: run npm ci first"
  exit 1
fi

export SAM_CLI_TELEMETRY=0
# sam build bundles with the esbuild found on PATH (the project's own, a devDependency).
export PATH="$repo_root/node_modules/.bin:$PATH"

templates=(template.yaml infra/*.yaml)
failed=0

log "cfn-lint ${templates[*]}"
if ! "$venv/bin/cfn-lint" "${templates[@]}"; then
  failed=1
fi

for template in "${templates[@]}"; do
  log "sam validate --lint -t $template"
  if ! "$venv/bin/sam" validate --lint -t "$template"; then
    failed=1
  fi
done

log "sam build (template.yaml) into $build_dir"
if "$venv/bin/sam" build --template-file template.yaml --build-dir "$build_dir"; then
  printf '\n%-28s %-34s %12s %12s\n' 'function' 'file' 'bytes' 'gzip bytes'
  found=0
  for function_dir in "$build_dir"/*/; do
    function_name="$(basename "$function_dir")"
    for file in "$function_dir"*; do
      [[ -f "$file" ]] || continue
      found=1
      printf '%-28s %-34s %12d %12d\n' "$function_name" "$(basename "$file")" \
        "$(wc -c <"$file")" "$(gzip -c "$file" | wc -c)"
    done
  done
  if [[ "$found" == 0 ]]; then
    log "sam build produced no function bundle"
    failed=1
  fi
else
  failed=1
fi

if [[ "$failed" != 0 ]]; then
  log "FAILED"
  exit 1
fi
log "all templates passed cfn-lint and sam validate --lint; sam build succeeded"
