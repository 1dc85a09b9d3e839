#!/usr/bin/env bash
# Installs what k8ts needs on a fresh clone (npm packages, the build), quietly and only when
# missing or stale, so `npm start` and `npm test` work as the first command run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the node agent runs pods with, and the test suite's registry and stand-in images
# are built from. Installed only when missing, as root; a temporary policy-rc.d keeps apt from
# starting the packages' own services (docker-registry on :5000, nginx on :80).
debs=(runc conmon docker-registry busybox-static iptables nftables iproute2 attr iputils-arping nginx-light python3 util-linux)
missing=()
for p in "${debs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if (( ${#missing[@]} )); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "k8ts: missing Debian packages (${missing[*]}); run as root to install them" >&2
  else
    echo "k8ts: installing Debian packages: ${missing[*]}" >&2
    had_policy=0; [[ -e /usr/sbin/policy-rc.d ]] && had_policy=1
    (( had_policy )) || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
    (( had_policy )) || rm -f /usr/sbin/policy-rc.d
  fi
fi

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
