#!/usr/bin/env bash
# setup-postgres.sh — one PostgreSQL role and one database per OpenOPD service.
#
# usage: sudo -u postgres setup-postgres.sh --secrets-dir DIR [--services "LIST"]
#   --secrets-dir DIR  where <service>.pgpass files go (0600); copy them to every service host's
#                      /etc/openopd/secrets
#   --services LIST    [registration consultation pharmacy discharge audit identity]
# Connects with psql as a superuser; the usual libpq variables choose the server (PGHOST,
# PGPORT, PGUSER; default: the local socket as the calling user).
#
# For each service S: role openopd_S (LOGIN, no other rights) with a random password, and
# database openopd_S owned by it; nobody else may connect to it (CONNECT revoked from
# PUBLIC) and nobody else may create objects in its public schema. The services create their
# tables themselves (migrations at start). <secrets-dir>/S.pgpass is a libpq password file
# (*:*:openopd_S:openopd_S:<password>). Running it again keeps existing passwords (read from
# the .pgpass files) and changes nothing else.
set -euo pipefail

secrets_dir=""
services="registration consultation pharmacy discharge audit identity"
die() {
    echo "setup-postgres.sh: $*" >&2
    exit 2
}
while (($# > 0)); do
    [[ "$1" == -h || "$1" == --help ]] && { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0; }
    (($# >= 2)) || die "$1 needs a value"
    case "$1" in
    --secrets-dir) secrets_dir="$2" ;;
    --services) services="$2" ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
    shift 2
done
[[ -n "${secrets_dir}" ]] || die "--secrets-dir DIR is required"
command -v psql >/dev/null || die "psql not found"
command -v openssl >/dev/null || die "openssl not found"
umask 077
mkdir -p "${secrets_dir}"

for service in ${services}; do
    [[ "${service}" =~ ^[a-z]+$ ]] || die "bad service name: ${service}"
    name="openopd_${service}"
    pgpass="${secrets_dir}/${service}.pgpass"
    password=""
    if [[ -s "${pgpass}" ]]; then
        password="$(head -n 1 "${pgpass}" | cut -d: -f5)"
    fi
    if [[ ! "${password}" =~ ^[0-9a-f]{32,}$ ]]; then
        password="$(openssl rand -hex 24)"
    fi
    # The password goes to psql on stdin, not on its command line (ps shows argv).
    psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
SELECT format('CREATE ROLE %I LOGIN', '${name}')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') \gexec
ALTER ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '${password}';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L', '${name}', '${name}', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '${name}') \gexec
REVOKE ALL ON DATABASE ${name} FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE ${name} TO ${name};
\connect ${name}
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO ${name};
SQL
    printf '*:*:%s:%s:%s\n' "${name}" "${name}" "${password}" >"${pgpass}.tmp"
    mv -f "${pgpass}.tmp" "${pgpass}"
    echo "${name}: role and database ready; password file ${pgpass}"
done
