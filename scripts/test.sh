#!/usr/bin/env bash
# `npm test`: install and build what is missing, type-check, then run every test (unit, in-process
# and end-to-end) with Node's built-in runner. Tests run from source through tsx (fixtures sit
# beside them); end-to-end tests drive the built bin/k8ts and the real kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx tsc -p .
mapfile -t files < <(find src test -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=2 "${files[@]}"
