#!/usr/bin/env bash
# The seed workflow, re-enacted step by step as the AWS Glue / MSK mutual-TLS blog post runs it
# in CloudShell (see DESIGN.md, "The workflow it replaces"): keytool, sed, aws acm-pca, jq,
# keytool again, openssl, sed, aws s3 sync, and jq for the Redshift secret JSON.
#
# It is the baseline `certkit client` is measured against (bench/run.mjs runs both, paired).
#
# Usage: CA_ARN=... ENDPOINT_URL=http://127.0.0.1:PORT S3_URI=s3://bucket/prefix/ \
#        bench/seed-workflow.sh DIR [rsa|ec]
#
# Environment:
#   CA_ARN        the ACM PCA certificate authority (required)
#   S3_URI        where `aws s3 sync` uploads the three files (required)
#   ENDPOINT_URL  passed to every aws call as --endpoint-url (moto_server in the benchmark)
#   AWS_CLI       the aws executable (default: aws)
#   DNAME, ALIAS, STOREPASS, KEYPASS   the seed's placeholders (defaults below)
#   SEED_TIMING   if set, a file that gets one "step<TAB>seconds" line per step
#   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_DEFAULT_REGION: the caller's (fake ones
#   for moto; this script never sets credentials itself)
#
# Differences from the seed, and why:
# - `-keyalg RSA -keysize 2048` (or `-keyalg EC -groupname secp256r1`) is added to
#   `keytool -genkey`: JDK 17's keytool refuses -genkey without -keyalg ("The -keyalg option
#   must be specified"); older JDKs defaulted to DSA, which ACM PCA would not sign anyway.
# - The passwords the seed types at prompts are given as options (-srcstorepass, -passin), and
#   the seed's `cd certs` becomes DIR. `aws acm-pca wait certificate-issued` is not run: the
#   seed does not run it (it calls get-certificate straight after issue-certificate).
# - EC variant: signing algorithm SHA256WITHECDSA; bench/run.mjs signs with an EC P-256 CA for it.
set -euo pipefail

dir=${1:?usage: seed-workflow.sh DIR [rsa|ec]}
keytype=${2:-rsa}
: "${CA_ARN:?CA_ARN is not set}"
: "${S3_URI:?S3_URI is not set}"
aws=${AWS_CLI:-aws}
endpoint=()
if [[ -n ${ENDPOINT_URL:-} ]]; then endpoint=(--endpoint-url "$ENDPOINT_URL"); fi
dname=${DNAME:-CN=Distinguished-Name}
alias_=${ALIAS:-ExampleAlias}
storepass=${STOREPASS:-YourStorePass}
keypass=${KEYPASS:-YourKeyPass}

case $keytype in
  rsa) keyalg=(-keyalg RSA -keysize 2048); sigalg=SHA256WITHRSA ;;
  ec) keyalg=(-keyalg EC -groupname secp256r1); sigalg=SHA256WITHECDSA ;;
  *) echo "seed-workflow.sh: key type must be rsa or ec, not '$keytype'" >&2; exit 2 ;;
esac

last=$EPOCHREALTIME
step() { # step NAME: records the time since the previous step
  if [[ -n ${SEED_TIMING:-} ]]; then
    local now=$EPOCHREALTIME
    printf '%s\t%s\n' "$1" "$(awk -v a="$last" -v b="$now" 'BEGIN { printf "%.4f", b - a }')" >>"$SEED_TIMING"
    last=$EPOCHREALTIME
  fi
}

mkdir -p "$dir"
cd "$dir"

# 1. The key pair, in a PKCS#12 file named .jks (as the seed does: -storetype pkcs12).
keytool -genkey -keystore kafka.client.keystore.jks -validity 300 -storepass "$storepass" -keypass "$keypass" \
  -dname "$dname" -alias "$alias_" -storetype pkcs12 "${keyalg[@]}" 2>/dev/null
step keytool-genkey

# 2. The CSR, and the sed that strips keytool's "NEW" from its header and footer.
keytool -keystore kafka.client.keystore.jks -certreq -file csr.pem -alias "$alias_" \
  -storepass "$storepass" -keypass "$keypass" 2>/dev/null
step keytool-certreq
sed -i -E '1,$ s/NEW //' csr.pem
step sed-csr

# 3. ACM PCA signs it.
cert_arn=$("$aws" "${endpoint[@]}" acm-pca issue-certificate --certificate-authority-arn "$CA_ARN" \
  --csr fileb://csr.pem --signing-algorithm "$sigalg" --validity Value=300,Type="DAYS" | jq -r .CertificateArn)
step aws-issue-certificate

# 4. The signed certificate and its chain.
"$aws" "${endpoint[@]}" acm-pca get-certificate --certificate-authority-arn "$CA_ARN" --certificate-arn "$cert_arn" \
  | jq -r '.Certificate + "\n" + .CertificateChain' >>client_cert.pem
step aws-get-certificate

# 5. The chain goes back into the keystore.
keytool -keystore kafka.client.keystore.jks -import -file client_cert.pem -alias "$alias_" \
  -storepass "$storepass" -keypass "$keypass" -noprompt >/dev/null 2>&1
step keytool-import

# 6. A PKCS#12 copy (the seed types the source password at the prompt).
keytool -importkeystore -srckeystore kafka.client.keystore.jks -destkeystore keystore.p12 -srcalias "$alias_" \
  -srcstorepass "$storepass" -deststorepass "$storepass" -destkeypass "$keypass" -deststoretype PKCS12 >/dev/null 2>&1
step keytool-importkeystore

# 7. The private key as PEM, then the sed that drops the "Bag Attributes" lines.
openssl pkcs12 -in keystore.p12 -nodes -nocerts -out private_key.pem -passin pass:"$storepass"
step openssl-pkcs12
sed -i -ne '/-BEGIN PRIVATE KEY-/,/-END PRIVATE KEY-/p' private_key.pem
step sed-key

# 8. What Glue needs, to S3.
"$aws" "${endpoint[@]}" s3 sync . "$S3_URI" --exclude '*' --include 'client_cert.pem' --include 'private_key.pem' \
  --include 'kafka.client.keystore.jks' >/dev/null
step aws-s3-sync

# 9. The Redshift streaming-ingestion secret: {"certificate": leaf + chain, "privateKey": PKCS#8}.
jq -n --rawfile certificate client_cert.pem --rawfile privateKey private_key.pem \
  '{certificate: $certificate, privateKey: $privateKey}' >redshift-secret.json
step jq-secret
