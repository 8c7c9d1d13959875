#!/usr/bin/env bash
# Install what Ruhu needs, idempotently: Debian packages (as root), the virtualenv, pip packages.
# Usage: scripts/setup.sh [run|test]   ("test" adds Chromium, PostgreSQL and ESLint for the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-run}"

debs=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [ "$purpose" = test ]; then
  debs+=(chromium poppler-utils postgresql nodejs)
  command -v npm >/dev/null || debs+=(npm)  # Debian's nodejs comes without it; NodeSource's with
fi
missing=()
for pkg in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages (run as root to install): ${missing[*]}" >&2
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
reqs=requirements.txt
[ "$purpose" = test ] && reqs=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt "$reqs" | sha256sum | cut -c1-16)-$purpose"
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r "$reqs"
  touch "$stamp"
fi

# ESLint and its packages, exactly as package-lock.json has them; again only when the lock changed.
if [ "$purpose" = test ]; then
  npm_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
  if [ ! -f "$npm_stamp" ]; then
    npm ci --silent --no-audit --no-fund
    touch "$npm_stamp"
  fi
fi
