#!/usr/bin/env bash
# Installs what k8ts needs on a fresh clone (npm packages, the build), quietly and only when
# missing or stale, so `npm start` and `npm test` work as the first command run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "k8ts: installing npm packages (first run compiles better-sqlite3; takes a minute or two)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

# Rebuild when any source is newer than the last build.
stamp=dist/.build-stamp
if [[ ! -f $stamp ]] || [[ -n $(find src test bench scripts package.json -newer "$stamp" -print -quit 2>/dev/null) ]]; then
  node scripts/build.mjs >&2
  touch "$stamp"
fi
