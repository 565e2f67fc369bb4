#!/usr/bin/env bash
# make-clinic-certs.sh — a clinic's own certificate authority and nats-server certificate.
#
# usage: scripts/make-clinic-certs.sh DIR [HOSTNAME|IP ...] [--client NAME ...]
#
# Writes into DIR (created, mode 0700):
#   ca.pem, ca-key.pem            the clinic CA (EC P-256, 10 years); keep ca-key.pem offline
#   server.pem, server-key.pem    nats-server's certificate (2 years), subjectAltName: every
#                                 HOSTNAME / IP given, plus localhost and 127.0.0.1
#   client-NAME.pem, client-NAME-key.pem   optional client certificates (--client NAME), for
#                                 a later mutual-TLS setup (clinic-tls.conf has verify: false)
# Keys are 0600. An existing CA in DIR is reused (new server certificates keep working with
# the desktops that already trust it). Needs openssl.
set -euo pipefail

if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
dir="$1"
shift
hosts=()
clients=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --client)
        [[ $# -ge 2 ]] || { echo "--client needs a NAME" >&2; exit 2; }
        [[ "$2" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "bad client name: $2" >&2; exit 2; }
        clients+=("$2")
        shift 2
        ;;
    *)
        [[ "$1" =~ ^[A-Za-z0-9.:-]+$ ]] || { echo "bad host name: $1" >&2; exit 2; }
        hosts+=("$1")
        shift
        ;;
    esac
done

command -v openssl >/dev/null || { echo "openssl not found" >&2; exit 1; }
umask 077
mkdir -p "${dir}"
chmod 700 "${dir}"
cd "${dir}"

san="DNS:localhost,IP:127.0.0.1"
for host in "${hosts[@]+"${hosts[@]}"}"; do
    if [[ "${host}" =~ ^[0-9.]+$ || "${host}" == *:* ]]; then
        san+=",IP:${host}"
    else
        san+=",DNS:${host}"
    fi
done

if [[ ! -f ca.pem || ! -f ca-key.pem ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out ca-key.pem.tmp
    openssl pkcs8 -topk8 -nocrypt -in ca-key.pem.tmp -out ca-key.pem
    rm -f ca-key.pem.tmp
    openssl req -x509 -new -key ca-key.pem -sha256 -days 3650 -out ca.pem \
        -subj "/O=OpenOPD clinic/CN=OpenOPD clinic CA" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
    echo "made the clinic CA: ${dir}/ca.pem"
else
    echo "reusing the clinic CA in ${dir}"
fi

# sign NAME SUBJECT EXTENSIONS: NAME.pem / NAME-key.pem signed by the CA
sign() {
    local name="$1" subject="$2" extensions="$3"
    openssl ecparam -name prime256v1 -genkey -noout -out "${name}-key.pem.tmp"
    openssl pkcs8 -topk8 -nocrypt -in "${name}-key.pem.tmp" -out "${name}-key.pem"
    rm -f "${name}-key.pem.tmp"
    openssl req -new -key "${name}-key.pem" -subj "${subject}" -out "${name}.csr"
    printf '%b' "${extensions}" >"${name}.ext"
    openssl x509 -req -in "${name}.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
        -days 730 -sha256 -extfile "${name}.ext" -out "${name}.pem" 2>/dev/null
    rm -f "${name}.csr" "${name}.ext"
    chmod 600 "${name}-key.pem"
    chmod 644 "${name}.pem"
}

sign server "/O=OpenOPD clinic/CN=${hosts[0]:-localhost}" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n"
for client in "${clients[@]+"${clients[@]}"}"; do
    sign "client-${client}" "/O=OpenOPD clinic/CN=${client}" \
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"
done
chmod 600 ca-key.pem
chmod 644 ca.pem
openssl verify -CAfile ca.pem server.pem >/dev/null

cat <<INFO

Certificates in ${dir} (server names: ${san}):
  On the server PC, next to nats-server.conf (packaging/nats/clinic-tls.conf), readable
  only by the user running nats-server:
      server.pem  server-key.pem  ca.pem
  On every desktop: ca.pem only (the app's TLS CA file); connect to tls://<server>:4222.
INFO
for client in "${clients[@]+"${clients[@]}"}"; do
    echo "  On the desktop '${client}': client-${client}.pem client-${client}-key.pem (mutual TLS)"
done
cat <<INFO
  Keep ca-key.pem off the network (a USB stick in a drawer); it signs new certificates.
INFO
