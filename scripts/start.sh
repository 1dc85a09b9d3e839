#!/usr/bin/env bash
# `npm start`: install and build what is missing, then run a single-node cluster in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec ./bin/k8ts server "$@"
