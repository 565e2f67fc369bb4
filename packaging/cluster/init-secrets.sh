#!/usr/bin/env bash
# init-secrets.sh — the accounts and secrets of a new OpenOPD cluster, made ONCE on the first
# node and then copied to the others (docs/deployment.md).
#
# usage: init-secrets.sh [--nats-dir DIR] [--secrets-dir DIR] [--nats-auth PROGRAM]
#   --nats-dir DIR     where accounts.conf and an empty staff-users.conf go
#                      [/var/lib/openopd/nats]
#   --secrets-dir DIR  where the secrets go, mode 0700, files 0600 [/etc/openopd/secrets]
#   --nats-auth PROG   the openopd-nats-auth program [/usr/local/bin/openopd-nats-auth]
#
# Runs `openopd-nats-auth init`, which makes a fresh random password for every service user
# (accounts.conf holds only their bcrypt hashes), and writes each password to
# <secrets-dir>/<service>.nats (registration.nats, ..., identity.nats, nats-auth.nats), plus
# <secrets-dir>/route.secret, the password the nodes use on their routes. Refuses to run
# when accounts.conf exists: new passwords would lock out every service still using the old
# ones (to change them on purpose, see docs/deployment.md, "Changing the service passwords").
set -euo pipefail

nats_dir=/var/lib/openopd/nats
secrets_dir=/etc/openopd/secrets
nats_auth=/usr/local/bin/openopd-nats-auth
die() {
    echo "init-secrets.sh: $*" >&2
    exit 2
}
while (($# > 0)); do
    [[ "$1" == -h || "$1" == --help ]] && { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0; }
    (($# >= 2)) || die "$1 needs a value"
    case "$1" in
    --nats-dir) nats_dir="$2" ;;
    --secrets-dir) secrets_dir="$2" ;;
    --nats-auth) nats_auth="$2" ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
    shift 2
done
[[ -x "${nats_auth}" ]] || die "${nats_auth} is not an executable (--nats-auth)"
[[ ! -e "${nats_dir}/accounts.conf" ]] ||
    die "${nats_dir}/accounts.conf exists: this cluster has its accounts already"
command -v openssl >/dev/null || die "openssl not found"

umask 077
mkdir -p "${secrets_dir}" "${nats_dir}"
chmod 700 "${secrets_dir}"
# The passwords stay in this shell's memory until each is in its own 0600 file.
passwords="$("${nats_auth}" init --dir "${nats_dir}")"
count=0
while read -r user password; do
    [[ "${user}" =~ ^svc\.([a-z-]+)$ && -n "${password}" ]] || die "unexpected init output"
    printf '%s\n' "${password}" >"${secrets_dir}/${BASH_REMATCH[1]}.nats"
    count=$((count + 1))
done <<<"${passwords}"
((count > 0)) || die "openopd-nats-auth init printed no service users"
if [[ ! -s "${secrets_dir}/route.secret" ]]; then
    openssl rand -hex 32 >"${secrets_dir}/route.secret"
fi
echo "accounts for ${count} service users in ${nats_dir}; their passwords and route.secret in ${secrets_dir}"
