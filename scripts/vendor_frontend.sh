#!/usr/bin/env bash
# Vendor the web app's front-end assets from the npm registry into src/lantern/web/static/vendor.
# Run once when upgrading; the built files are committed and the app makes no outside calls.
# Needs node and npm. GOV.UK Frontend is pinned to the version govuk-frontend-jinja targets.
set -euo pipefail
GOVUK=6.3.0   # govuk-frontend-jinja 4.1 targets GOV.UK Frontend 6.3.0
MOJ=11.1.0    # @ministryofjustice/frontend (peer: govuk-frontend ^6)
HTMX=2.0.11
SASS=1
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/src/lantern/web/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund "govuk-frontend@$GOVUK" "@ministryofjustice/frontend@$MOJ" \
  "htmx.org@$HTMX" "sass@$SASS" >/dev/null
cp "$ROOT/scripts/frontend/lantern-frontend.scss" .
# One stylesheet: GOV.UK Frontend + MOJ Frontend with a system font stack (no GDS Transport).
npx sass --load-path=. --style=compressed --no-source-map --quiet-deps \
  lantern-frontend.scss "$OUT/lantern-frontend.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$OUT/"
cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js "$OUT/"
cp node_modules/htmx.org/dist/htmx.min.js "$OUT/"
mkdir -p "$OUT/assets/images"
# MOJ component icons only: no crown, crest or GOV.UK logotype.
for f in node_modules/@ministryofjustice/frontend/moj/assets/images/icon-*.svg; do
  cp "$f" "$OUT/assets/images/"
done
# Source maps are not shipped.
sed -i 's@//# sourceMappingURL=.*$@@' "$OUT/govuk-frontend.min.js" "$OUT/moj-frontend.min.js"
cp node_modules/htmx.org/LICENSE "$OUT/LICENSE-htmx.txt" 2>/dev/null || true
echo "vendored into $OUT"
