#!/bin/sh
# Runs each named service's migrations with that service's own database URL, taken from
# <SERVICE>_DATABASE_URL (intake -> INTAKE_DATABASE_URL, risk-assessment -> RISK_ASSESSMENT_DATABASE_URL).
# Stops at the first failure so dependent services never start against a half-migrated schema.
set -eu
[ "$#" -gt 0 ] || { echo "usage: migrate-all <service>..." >&2; exit 64; }
for svc in "$@"; do
  var="$(printf '%s' "$svc" | tr 'a-z-' 'A-Z_')_DATABASE_URL"
  url="$(printenv "$var" || true)"
  if [ -z "$url" ]; then
    echo "migrate-all: $var is not set" >&2
    exit 78
  fi
  echo "migrate-all: $svc"
  (cd "/app/$svc" && DATABASE_URL="$url" node --enable-source-maps dist/migrate.js)
done
echo "migrate-all: done"
