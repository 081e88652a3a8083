#!/usr/bin/env bash
# Runs the container image as an operator would, with podman (no Docker daemon): checks its
# configuration (user, entrypoint, port, volume, environment), starts it with a read-only root
# filesystem, no writable /tmp, no capabilities, a 256 MiB memory limit and a named volume for the
# SQLite file, against scripts/fake-referralcandy.py; sends a signed test-mode webhook and passes
# when the purchase reaches ReferralCandy signed, /healthz and /readyz answer, and after a restart
# on the same volume the same event is a duplicate (no second purchase). CI runs it (.ci/run).
#
# Usage: mvn -q -Pimage -DskipTests package && scripts/image-smoke.sh [target/candybridge-image.tar]
set -euo pipefail
cd "$(dirname "$0")/.."
tarball="${1:-target/candybridge-image.tar}"
[ -f "$tarball" ] || { echo "image-smoke: $tarball missing: mvn -q -Pimage -DskipTests package" >&2; exit 1; }
command -v podman >/dev/null || { echo "image-smoke: podman missing (apt-get install podman runc)" >&2; exit 1; }

# 1. The image's configuration, read from the OCI layout in the tarball.
python3 - "$tarball" <<'EOF'
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    blob = lambda digest: t.extractfile("blobs/sha256/" + digest.split(":")[1]).read()
    index = json.loads(t.extractfile("index.json").read())
    manifest = json.loads(blob(index["manifests"][0]["digest"]))
    config = json.loads(blob(manifest["config"]["digest"]))["config"]
env = dict(e.split("=", 1) for e in config["Env"])
problems = []
def expect(what, actual, wanted):
    if actual != wanted:
        problems.append(f"{what}: {actual!r}, expected {wanted!r}")
expect("User", config.get("User"), "10001:0")
expect("Entrypoint[0]", config["Entrypoint"][0], "/opt/java/bin/java")
expect("Entrypoint[-1]", config["Entrypoint"][-1], "candybridge.Main")
expect("Cmd", config.get("Cmd"), ["serve"])
expect("ExposedPorts", sorted(config.get("ExposedPorts", {})), ["8080/tcp"])
expect("Volumes", sorted(config.get("Volumes", {})), ["/var/lib/candybridge"])
expect("CANDYBRIDGE_DATABASE_URL", env.get("CANDYBRIDGE_DATABASE_URL"), "jdbc:sqlite:/var/lib/candybridge/candybridge.db")
for secret in ("STRIPE_WEBHOOK_SECRET", "REFERRALCANDY_SECRET_KEY", "STRIPE_API_KEY", "CANDYBRIDGE_ADMIN_TOKEN"):
    if secret in env:
        problems.append(f"{secret} is baked into the image")
if problems:
    sys.exit("image-smoke: configuration: " + "; ".join(problems))
print("image-smoke: configuration OK: user 10001:0, java entrypoint, port 8080, volume /var/lib/candybridge")
EOF

# 2. Run it. This sandbox forbids raising resource limits and crun cannot handle its cgroups, so
# the container keeps the current open-files limit, at most 4096 processes, and runs under runc
# when runc is installed.
podman=(podman)
if command -v runc >/dev/null; then podman+=(--runtime "$(command -v runc)"); fi
image="$("${podman[@]}" load -q -i "$tarball" | sed -n 's/^Loaded image[^:]*: //p' | tail -1)"
[ -n "$image" ] || { echo "image-smoke: podman load printed no image name" >&2; exit 1; }
name="candybridge-smoke-$$"
volume="candybridge-smoke-$$"
work=$(mktemp -d)
rc_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
app_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  "${podman[@]}" rm -f -t 5 "$name" >/dev/null 2>&1 || true
  "${podman[@]}" volume rm -f "$volume" >/dev/null 2>&1 || true
  kill "${rc_pid:-}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
python3 scripts/fake-referralcandy.py "$rc_port" demo-access-id demo-secret >"$work/rc.out" 2>&1 &
rc_pid=$!

"${podman[@]}" volume create "$volume" >/dev/null
# --network host: the fake ReferralCandy listens on this machine's 127.0.0.1.
"${podman[@]}" run -d --name "$name" \
  --read-only --read-only-tmpfs=false --cap-drop=all --security-opt=no-new-privileges \
  --memory 256m --network host \
  --ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096 \
  -v "$volume:/var/lib/candybridge" \
  -e STRIPE_WEBHOOK_SECRET=whsec_test_secret \
  -e REFERRALCANDY_ACCESS_ID=demo-access-id -e REFERRALCANDY_SECRET_KEY=demo-secret \
  -e REFERRALCANDY_API_BASE="http://127.0.0.1:$rc_port/api/v1" \
  -e CANDYBRIDGE_PORT="$app_port" -e CANDYBRIDGE_STRIPE_MODE=test \
  "$image" >/dev/null

fail() { echo "image-smoke: FAILED: $1"; echo "--- container"; "${podman[@]}" logs "$name" 2>&1 | tail -40; echo "--- rc"; cat "$work/rc.out"; exit 1; }
await_ready() {
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$app_port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  fail "/readyz did not answer within 60 s"
}
purchases() { grep -c 'purchase.json signature=valid' "$work/rc.out" || true; }

await_ready
curl -fsS "http://127.0.0.1:$app_port/healthz" >/dev/null || fail "/healthz"
[ "$("${podman[@]}" exec "$name" /opt/java/bin/java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *user.name = //p')" = candybridge ] \
  || fail "the process does not run as the user candybridge"
answer=$(CANDYBRIDGE_PORT="$app_port" STRIPE_WEBHOOK_SECRET=whsec_test_secret scripts/sign-and-send.sh src/test/resources/stripe/checkout.session.completed.json)
echo "image-smoke: webhook answered: $answer"
for _ in $(seq 1 40); do [ "$(purchases)" -ge 1 ] && break; sleep 0.25; done
[ "$(purchases)" -eq 1 ] && grep -q '"invoice_amount": "30.00"' "$work/rc.out" || fail "the purchase did not reach ReferralCandy"

# 3. SIGTERM, start again on the same volume: the event is known, nothing is sent twice.
"${podman[@]}" stop -t 30 "$name" >/dev/null
"${podman[@]}" start "$name" >/dev/null
await_ready
again=$(CANDYBRIDGE_PORT="$app_port" STRIPE_WEBHOOK_SECRET=whsec_test_secret scripts/sign-and-send.sh src/test/resources/stripe/checkout.session.completed.json)
echo "image-smoke: after a restart the same event answered: $again"
grep -q '"duplicate"' <<<"$again" || fail "the restarted container did not know the event (volume not used?)"
[ "$(purchases)" -eq 1 ] || fail "a second purchase was sent"
echo "image-smoke: OK: $image ran read-only as uid 10001 under 256 MiB, the purchase reached ReferralCandy once, the SQLite file survived a restart"
