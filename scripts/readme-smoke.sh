#!/usr/bin/env bash
# Runs the README quick start as a new user would: ./candybridge serve, a stand-in ReferralCandy,
# a signed fixture sent with curl; passes when the purchase reaches ReferralCandy signed. CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
rc_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
app_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { kill "${app_pid:-}" "${rc_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

python3 scripts/fake-referralcandy.py "$rc_port" demo-access-id demo-secret >"$work/rc.out" 2>&1 &
rc_pid=$!
export STRIPE_WEBHOOK_SECRET=whsec_test_secret
export REFERRALCANDY_ACCESS_ID=demo-access-id REFERRALCANDY_SECRET_KEY=demo-secret
export REFERRALCANDY_API_BASE="http://127.0.0.1:$rc_port/api/v1"
export CANDYBRIDGE_PORT="$app_port" CANDYBRIDGE_DATABASE_URL="jdbc:sqlite:$work/candybridge.db"
export CANDYBRIDGE_STRIPE_MODE=test
./candybridge serve >"$work/app.out" 2>&1 &
app_pid=$!
# Up to 2 minutes: on a fresh checkout the launcher first builds the jar and its class-data archive.
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$app_port/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
answer=$(scripts/sign-and-send.sh src/test/resources/stripe/checkout.session.completed.json)
echo "webhook answered: $answer"
for _ in $(seq 1 40); do
  grep -q 'purchase.json signature=valid' "$work/rc.out" && break
  sleep 0.25
done
if grep -q 'purchase.json signature=valid' "$work/rc.out" && grep -q '"invoice_amount": "30.00"' "$work/rc.out"; then
  echo "readme-smoke: OK: the purchase reached ReferralCandy, signed"
else
  echo "readme-smoke: FAILED"; echo "--- app"; cat "$work/app.out"; echo "--- rc"; cat "$work/rc.out"; exit 1
fi
