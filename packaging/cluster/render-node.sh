#!/usr/bin/env bash
# render-node.sh — write the nats-server.conf of one OpenOPD cluster node from node.conf.in.
#
# usage: render-node.sh --name NAME --host HOST --peers HOST[:PORT],HOST[:PORT][,...] [options]
#   --name NAME            server_name, unique in the cluster (n1, n2, n3, ...)
#   --host HOST            this node's name or address as the others and the clients reach it
#                          (must be in its certificate: make-node-cert.sh)
#   --peers LIST           the other nodes' route addresses, comma-separated (port 6222 if
#                          none is given)
# options (defaults in brackets):
#   --dir DIR              where nats-server.conf goes, next to accounts.conf
#                          [/var/lib/openopd/nats]
#   --store-dir DIR        JetStream store_dir; nats-server adds /jetstream [--dir]
#   --pid-file FILE        [/run/openopd-nats/nats-server.pid]
#   --tls-dir DIR          holds ca.pem, node.pem, node-key.pem [/etc/openopd/tls]
#   --route-secret FILE    the cluster's route password, one line [/etc/openopd/secrets/route.secret]
#   --client-port PORT     [4222]       --cluster-port PORT   [6222]
#   --bind ADDR            address the client and route ports listen on [0.0.0.0]
#   --monitor ADDR:PORT    monitoring endpoint [127.0.0.1:8222]
#   --cluster-name NAME    [openopd]
#   --max-file-store SIZE  [50GB]       --max-memory-store SIZE [1GB]
# Prints the path it wrote. Check the result with: nats-server -t -c <dir>/nats-server.conf
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
template="${here}/node.conf.in"

name="" host="" peers=""
dir=/var/lib/openopd/nats store_dir="" pid_file=/run/openopd-nats/nats-server.pid
tls_dir=/etc/openopd/tls route_secret_file=/etc/openopd/secrets/route.secret
client_port=4222 cluster_port=6222 bind=0.0.0.0 monitor=127.0.0.1:8222
cluster_name=openopd max_file_store=50GB max_memory_store=1GB

die() {
    echo "render-node.sh: $*" >&2
    exit 2
}
while (($# > 0)); do
    [[ "$1" == -h || "$1" == --help ]] && { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0; }
    (($# >= 2)) || die "$1 needs a value"
    case "$1" in
    --name) name="$2" ;;
    --host) host="$2" ;;
    --peers) peers="$2" ;;
    --dir) dir="$2" ;;
    --store-dir) store_dir="$2" ;;
    --pid-file) pid_file="$2" ;;
    --tls-dir) tls_dir="$2" ;;
    --route-secret) route_secret_file="$2" ;;
    --client-port) client_port="$2" ;;
    --cluster-port) cluster_port="$2" ;;
    --bind) bind="$2" ;;
    --monitor) monitor="$2" ;;
    --cluster-name) cluster_name="$2" ;;
    --max-file-store) max_file_store="$2" ;;
    --max-memory-store) max_memory_store="$2" ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
    shift 2
done
store_dir="${store_dir:-${dir}}"

[[ "${name}" =~ ^[A-Za-z0-9_-]+$ ]] || die "--name: letters, digits, - and _ only"
[[ "${host}" =~ ^[A-Za-z0-9.:-]+$ ]] || die "--host: a host name or address"
[[ -n "${peers}" ]] || die "--peers: the other nodes, comma-separated"
[[ "${cluster_name}" =~ ^[A-Za-z0-9_-]+$ ]] || die "--cluster-name: letters, digits, - and _ only"
for port in "${client_port}" "${cluster_port}"; do
    if [[ ! "${port}" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
        die "bad port: ${port}"
    fi
done
[[ "${monitor}" =~ ^[A-Za-z0-9.:-]+:[0-9]+$ ]] || die "--monitor: ADDR:PORT"
[[ "${bind}" =~ ^[A-Za-z0-9.:-]+$ ]] || die "--bind: an address"
for size in "${max_file_store}" "${max_memory_store}"; do
    [[ "${size}" =~ ^[0-9]+[KMGT]?B?$ ]] || die "bad size: ${size} (e.g. 50GB)"
done
for path in "${dir}" "${store_dir}" "${pid_file}" "${tls_dir}"; do
    # The paths become quoted config strings.
    [[ "${path}" == /* && "${path}" != *'"'* && "${path}" != *\\* ]] ||
        die "paths must be absolute, without quotes or backslashes: ${path}"
done
for file in ca.pem node.pem node-key.pem; do
    [[ -r "${tls_dir}/${file}" ]] || die "${tls_dir}/${file} is missing (make-node-cert.sh)"
done
[[ -r "${route_secret_file}" ]] || die "${route_secret_file} is missing (init-secrets.sh)"
route_secret="$(head -n 1 "${route_secret_file}")"
[[ "${route_secret}" =~ ^[A-Za-z0-9]{16,}$ ]] ||
    die "${route_secret_file}: expected one line of at least 16 letters and digits"
[[ -f "${dir}/accounts.conf" ]] ||
    die "${dir}/accounts.conf is missing (copy it from the first node: docs/deployment.md)"

routes=""
IFS=',' read -r -a peer_list <<<"${peers}"
for peer in "${peer_list[@]}"; do
    [[ "${peer}" =~ ^[A-Za-z0-9.-]+(:[0-9]+)?$ ]] || die "--peers: bad entry '${peer}'"
    [[ "${peer}" == *:* ]] || peer="${peer}:6222"
    routes+="    \"nats-route://route:${route_secret}@${peer}\""$'\n'
done
routes="${routes%$'\n'}"

text="$(<"${template}")"
text="${text//@NAME@/${name}}"
text="${text//@LISTEN@/${bind}:${client_port}}"
text="${text//@CLIENT_PORT@/${client_port}}"
text="${text//@ADVERTISE_HOST@/${host}}"
text="${text//@MONITOR@/${monitor}}"
text="${text//@PID_FILE@/${pid_file}}"
text="${text//@CERT_FILE@/${tls_dir}/node.pem}"
text="${text//@KEY_FILE@/${tls_dir}/node-key.pem}"
text="${text//@CA_FILE@/${tls_dir}/ca.pem}"
text="${text//@CLUSTER_NAME@/${cluster_name}}"
text="${text//@CLUSTER_LISTEN@/${bind}:${cluster_port}}"
text="${text//@CLUSTER_PORT@/${cluster_port}}"
text="${text//@ROUTE_SECRET@/${route_secret}}"
text="${text//@ROUTES@/${routes}}"
text="${text//@STORE_DIR@/${store_dir}}"
text="${text//@MAX_MEMORY_STORE@/${max_memory_store}}"
text="${text//@MAX_FILE_STORE@/${max_file_store}}"
if [[ "${text}" =~ @[A-Z_]+@ ]]; then
    die "internal: a placeholder was left in the output"
fi

# The route password is in the file: only its owner reads it.
umask 077
out="${dir}/nats-server.conf"
printf '%s\n' "${text}" >"${out}.tmp"
mv -f "${out}.tmp" "${out}"
echo "${out}"
