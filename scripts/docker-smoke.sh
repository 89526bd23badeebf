#!/bin/sh
# CI step: build the image and check that it starts, answers /health, runs as a non-root user, keeps its
# database on /data and runs the CLI. Where no container engine is available it says so and succeeds.
set -eu
cd "$(dirname "$0")/.."

engine="${CONTAINER_ENGINE:-docker}"
if ! command -v "$engine" >/dev/null 2>&1 || ! "$engine" info >/dev/null 2>&1; then
  echo "docker-smoke: skipped: no container engine available (\"$engine info\" failed); the image was not built or tested"
  exit 0
fi

tag="manifold-smoke:$$"
admin="mk-smoke-admin-$$-0123456789abcdefghijklmnop"
container=""
cleanup() {
  if [ -n "$container" ]; then "$engine" rm -f "$container" >/dev/null 2>&1 || true; fi
  "$engine" rmi -f "$tag" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() {
  echo "docker-smoke: FAILED: $1" >&2
  if [ -n "$container" ]; then "$engine" logs "$container" >&2 || true; fi
  exit 1
}

"$engine" build -t "$tag" .
# A random host port on loopback only.
container=$("$engine" run -d -p 127.0.0.1::8787 -e MANIFOLD_ADMIN_KEY="$admin" "$tag")
port=$("$engine" port "$container" 8787 | head -n 1 | sed 's/.*://')

ready=""
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 1
done
[ -n "$ready" ] || fail "/health did not answer within 60 s"

[ "$("$engine" exec "$container" id -u)" != "0" ] || fail "the gateway runs as root"
"$engine" exec "$container" node -e "fetch('http://127.0.0.1:8787/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" \
  || fail "the image's health check command fails"
curl -fsS -H "authorization: Bearer $admin" "http://127.0.0.1:$port/admin/keys" >/dev/null || fail "the admin key is refused"
"$engine" exec "$container" node dist/src/cli.js keys create --name smoke >/dev/null || fail "the CLI cannot create a key on /data"
"$engine" exec "$container" test -s /data/manifold.db || fail "no database on the /data volume"
"$engine" stop -t 15 "$container" >/dev/null || fail "the container did not stop on SIGTERM"

echo "docker-smoke: ok (image built, /health answered, non-root, database on /data, CLI works)"
