#!/usr/bin/env bash
# `npm test`: install and build what is missing, type-check, then run every test (unit, in-process
# and end-to-end) with Node's built-in runner. End-to-end tests drive bin/k8ts and the real kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx tsc -p .
mapfile -t files < <(find dist/src dist/test -name '*.test.js' | sort)
exec node --test --test-concurrency=2 "${files[@]}"
