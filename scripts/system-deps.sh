#!/usr/bin/env bash
# Install the Debian packages Lantern needs outside Python, only if missing:
#   Pango (WeasyPrint PDF), poppler-utils (pdftoppm for report previews), fonts,
#   a Java runtime (PySpark local mode: the Spark parity test and bench),
#   the PostgreSQL server (app-database tests start a throwaway cluster),
#   Chromium (the Playwright browser tests drive Debian's /usr/bin/chromium),
#   Node.js and npm (the single sign-on tests run a real OpenID Connect provider).
# Runs as root in CI; elsewhere it prints the apt-get command to run.
set -euo pipefail

need=()
ldconfig -p | grep -q 'libpango-1.0.so' || need+=(libpango-1.0-0)
ldconfig -p | grep -q 'libpangoft2-1.0.so' || need+=(libpangoft2-1.0-0)
ldconfig -p | grep -q 'libharfbuzz-subset.so' || need+=(libharfbuzz-subset0)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core fontconfig)
command -v java >/dev/null || need+=(default-jre-headless)
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "system-deps: installing ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "system-deps: please run: apt-get install ${need[*]}" >&2
  exit 1
fi
