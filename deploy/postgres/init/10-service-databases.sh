#!/bin/bash
# Runs once, when the postgres container starts on an empty data volume (docker-entrypoint-initdb.d).
# One database per service, each owned by a login role of the same name (architecture.md §4: a service
# connects as its own role and cannot reach another service's database).
# The database names must match SERVICE_DATABASES in libs/config/src/env-spec.ts (test/compose checks).
set -euo pipefail

create_service_database() {
  local name="$1" password_var="$2"
  local password="${!password_var:?$password_var is not set}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v name="$name" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create_service_database stac_intake STAC_INTAKE_DB_PASSWORD
create_service_database stac_risk STAC_RISK_DB_PASSWORD
create_service_database stac_advocacy STAC_ADVOCACY_DB_PASSWORD
create_service_database stac_mental_health STAC_MENTAL_HEALTH_DB_PASSWORD
create_service_database stac_probation STAC_PROBATION_DB_PASSWORD
