#!/usr/bin/env bash
# make-node-cert.sh — a certificate for one nats-server node of an OpenOPD cluster.
#
# usage: make-node-cert.sh CA_DIR OUT_DIR HOSTNAME|IP [HOSTNAME|IP ...]
#
# CA_DIR holds the clinic CA (ca.pem, ca-key.pem) made by scripts/make-clinic-certs.sh.
# Writes OUT_DIR/ca.pem, OUT_DIR/node.pem and OUT_DIR/node-key.pem (0600): an EC P-256 key
# and a 2-year certificate signed by the clinic CA for every name given plus localhost and
# 127.0.0.1 (the auth agent on the node connects to tls://127.0.0.1). Unlike the server
# certificate of make-clinic-certs.sh it may act as a TLS client too (extendedKeyUsage
# serverAuth and clientAuth): nats-server requires and verifies a certificate from the node
# that opens a route. Copy OUT_DIR to the node's /etc/openopd/tls.
set -euo pipefail

if [[ $# -lt 3 || "$1" == -h || "$1" == --help ]]; then
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit 2
fi
ca_dir="$1"
out_dir="$2"
shift 2
command -v openssl >/dev/null || { echo "openssl not found" >&2; exit 1; }
for file in ca.pem ca-key.pem; do
    [[ -r "${ca_dir}/${file}" ]] ||
        { echo "${ca_dir}/${file} missing: run scripts/make-clinic-certs.sh ${ca_dir} first" >&2; exit 1; }
done

san="DNS:localhost,IP:127.0.0.1"
for host in "$@"; do
    [[ "${host}" =~ ^[A-Za-z0-9.:-]+$ ]] || { echo "bad host name: ${host}" >&2; exit 2; }
    [[ "${host}" == localhost || "${host}" == 127.0.0.1 ]] && continue
    if [[ "${host}" =~ ^[0-9.]+$ || "${host}" == *:* ]]; then
        san+=",IP:${host}"
    else
        san+=",DNS:${host}"
    fi
done

umask 077
mkdir -p "${out_dir}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
openssl ecparam -name prime256v1 -genkey -noout -out "${work}/key.tmp"
openssl pkcs8 -topk8 -nocrypt -in "${work}/key.tmp" -out "${work}/node-key.pem"
openssl req -new -key "${work}/node-key.pem" -subj "/O=OpenOPD clinic/CN=$1" -out "${work}/node.csr"
printf '%b' "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${san}\n" >"${work}/node.ext"
openssl x509 -req -in "${work}/node.csr" -CA "${ca_dir}/ca.pem" -CAkey "${ca_dir}/ca-key.pem" \
    -CAcreateserial -CAserial "${work}/ca.srl" -days 730 -sha256 -extfile "${work}/node.ext" \
    -out "${work}/node.pem" 2>/dev/null
openssl verify -CAfile "${ca_dir}/ca.pem" "${work}/node.pem" >/dev/null
install -m 600 "${work}/node-key.pem" "${out_dir}/node-key.pem"
install -m 644 "${work}/node.pem" "${out_dir}/node.pem"
install -m 644 "${ca_dir}/ca.pem" "${out_dir}/ca.pem"
echo "node certificate for ${san} in ${out_dir} (node.pem, node-key.pem, ca.pem)"
