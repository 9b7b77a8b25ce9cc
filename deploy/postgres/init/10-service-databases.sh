#!/bin/bash
# Runs once, when the postgres container starts on an empty data volume (docker-entrypoint-initdb.d).
# One database per service (architecture.md §4) with two login roles (LAW-07):
#   <db>_owner  owns the database and its schema; only the migrate job connects as it;
#   <db>        the role the service runs as; it owns nothing, so it cannot alter or drop the access log's
#               triggers or sealing function; the migrate job grants it what the service needs.
# The database names must match SERVICE_DATABASES in libs/config/src/env-spec.ts (test/compose checks).
set -euo pipefail

create_service_database() {
  local name="$1" owner_password_var="$2" password_var="$3"
  local owner_password="${!owner_password_var:?$owner_password_var is not set}"
  local password="${!password_var:?$password_var is not set}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v name="$name" -v owner="${name}_owner" -v owner_password="$owner_password" -v password="$password" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"name" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"owner";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"name" TO :"name";
\connect :"name"
ALTER SCHEMA public OWNER TO :"owner";
SQL
}

create_service_database stac_intake STAC_INTAKE_DB_OWNER_PASSWORD STAC_INTAKE_DB_PASSWORD
create_service_database stac_risk STAC_RISK_DB_OWNER_PASSWORD STAC_RISK_DB_PASSWORD
create_service_database stac_advocacy STAC_ADVOCACY_DB_OWNER_PASSWORD STAC_ADVOCACY_DB_PASSWORD
create_service_database stac_mental_health STAC_MENTAL_HEALTH_DB_OWNER_PASSWORD STAC_MENTAL_HEALTH_DB_PASSWORD
create_service_database stac_probation STAC_PROBATION_DB_OWNER_PASSWORD STAC_PROBATION_DB_PASSWORD
