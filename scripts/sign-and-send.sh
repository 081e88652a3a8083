#!/usr/bin/env bash
# Signs a Stripe event file the way Stripe does (HMAC-SHA256 of "<t>.<body>" with the endpoint
# secret) and POSTs it to a running Candybridge.
# Usage: STRIPE_WEBHOOK_SECRET=whsec_… scripts/sign-and-send.sh EVENT.json [URL]
set -euo pipefail
file="$1"
url="${2:-http://127.0.0.1:${CANDYBRIDGE_PORT:-8080}/webhooks/stripe}"
secret="${STRIPE_WEBHOOK_SECRET%%,*}"
t=$(date +%s)
sig=$({ printf '%s.' "$t"; cat "$file"; } | openssl dgst -sha256 -hmac "$secret" -hex | sed 's/^.* //')
curl -sS -H "Stripe-Signature: t=$t,v1=$sig" -H 'Content-Type: application/json' \
  --data-binary @"$file" "$url"
echo
