#!/usr/bin/env bash
# `make container-check`: build the Containerfile and run the bot's commands inside the image, on a machine that
# reaches Debian's package mirror and PyPI but no image registry, and cannot run containers (no cgroups).
#
#  1. podman and debootstrap from Debian's packages (if missing);
#  2. a Debian 12 base image made here: `debootstrap --variant=minbase bookworm`, then `podman import`
#     (cached as localhost/stretchbot-check-base:bookworm; FRESH=1 makes it again);
#  3. `podman build --isolation=chroot` of the Containerfile with that base as BASE_IMAGE: this base has no
#     Python, so the Containerfile's own fallback installs Debian's python3 (3.11), as it would on any such base;
#  4. the image's configuration: a non-root user, the health check, the entry point;
#  5. `podman create` + `podman mount` (a container's writable root, never started), then `chroot` into it as the
#     image's user with the image's environment: `stretchbot --help`, `stretchbot content check`, the scripted
#     preview, a SQLite backup and restore, and the health check command against a stand-in /healthz.
# Needs root. Not run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=localhost/stretchbot-check-base:bookworm
IMAGE=localhost/stretchbot:check
WORK=${CONTAINER_CHECK_DIR:-/var/tmp/stretchbot-container-check}
step() { printf '\n== %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
    echo "container-check needs root (debootstrap, podman, chroot)" >&2
    exit 1
fi

step "1. podman and debootstrap"
missing=()
command -v podman > /dev/null || missing+=(podman)
command -v debootstrap > /dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
podman --version
echo "debootstrap $(dpkg-query -W -f '${Version}' debootstrap)"

step "2. Debian 12 base image ($BASE)"
mirror=$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | grep -oE 'https?://[^ ]+' | head -n 1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
if [ -n "${FRESH:-}" ] || ! podman image exists "$BASE"; then
    rm -rf "$WORK/rootfs"
    mkdir -p "$WORK"
    echo "debootstrap --variant=minbase bookworm from $mirror"
    start=$(date +%s)
    debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" > "$WORK/debootstrap.log" 2>&1 \
        || { tail -n 20 "$WORK/debootstrap.log"; exit 1; }
    echo "debootstrap took $(( $(date +%s) - start )) s"
    rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/cache/apt/*.bin "$WORK"/rootfs/var/lib/apt/lists/*
    tar -C "$WORK/rootfs" -c . | podman import --message "debootstrap --variant=minbase bookworm" - "$BASE"
    rm -rf "$WORK/rootfs"
else
    echo "reusing $BASE (FRESH=1 makes it again)"
fi
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$BASE"

step "3. podman build --isolation=chroot --build-arg BASE_IMAGE=$BASE"
ca_args=()
if [ -n "${PIP_CERT:-}" ] && [ -f "$PIP_CERT" ]; then  # this machine's TLS-re-signing proxy: let pip trust its CA
    ca_args=(--volume "$PIP_CERT:/run/build-ca.crt:ro" --build-arg PIP_CERT=/run/build-ca.crt)
    echo "pip trusts $PIP_CERT (PIP_CERT) during the build"
fi
start=$(date +%s)
podman build --isolation=chroot --format docker --build-arg "BASE_IMAGE=$BASE" "${ca_args[@]}" \
    -t "$IMAGE" -f Containerfile . \
    > "$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log"; exit 1; }
grep -E '^(\[[0-9]/[0-9]] )?(STEP|COMMIT)' "$WORK/build.log"
echo "build took $(( $(date +%s) - start )) s"
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$IMAGE"

step "4. the image's configuration"
user=$(podman image inspect --format '{{.Config.User}}' "$IMAGE")
workdir=$(podman image inspect --format '{{.Config.WorkingDir}}' "$IMAGE")
podman image inspect --format 'User={{.Config.User}} WorkingDir={{.Config.WorkingDir}} Entrypoint={{.Config.Entrypoint}} Cmd={{.Config.Cmd}}' "$IMAGE"
podman image inspect --format 'Healthcheck={{json .Config.Healthcheck}}' "$IMAGE"
case "$user" in
    "" | 0 | 0:* | root | root:*) echo "the image runs as root" >&2; exit 1 ;;
esac
mapfile -t image_env < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" | sed '/^$/d')
printf '  %s\n' "${image_env[@]}"

step "5. commands inside the image, as $user (podman mount + chroot)"
container=$(podman create --no-healthcheck "$IMAGE")  # never started: no health check timer
root=$(podman mount "$container")
health_server=""
cleanup() {
    [ -z "$health_server" ] || kill "$health_server" 2> /dev/null || true
    podman umount "$container" > /dev/null || true
    podman rm "$container" > /dev/null || true
}
trap cleanup EXIT
in_image() {
    env -i "${image_env[@]}" "$@"
}
as_user() {  # as_user [VAR=value ...] command ...: in the image's root, as its user, in its working directory
    in_image chroot --userspec="$user" "$root" /usr/bin/env -C "$workdir" "$@"
}
run() {
    printf '\n$ %s\n' "$*"
    as_user "$@"
}
run id
run stretchbot --help
run stretchbot content check
printf '\n$ stretchbot preview --script /opt/stretchbot/scripts/full-day.preview --fresh   (first and last lines)\n'
as_user stretchbot preview --script /opt/stretchbot/scripts/full-day.preview --fresh > "$WORK/preview.log" 2>&1 \
    || { tail -n 40 "$WORK/preview.log"; exit 1; }
head -n 4 "$WORK/preview.log"
echo "  ... ($(wc -l < "$WORK/preview.log") lines)"
tail -n 6 "$WORK/preview.log"
grep -q "steps played" "$WORK/preview.log" && grep -q "photo saved" "$WORK/preview.log" \
    || { echo "the preview did not play the whole day" >&2; exit 1; }
run stretchbot db upgrade
run stretchbot db backup /var/backups/stretchbot
backup=$(as_user sh -c 'ls /var/backups/stretchbot/*.sqlite3 | tail -n 1')
run stretchbot db restore "$backup"
run stretchbot db current

printf '\n$ the HEALTHCHECK command, against a stand-in /healthz and against nothing\n'
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$port" << 'PY' &
import http.server, sys
class Healthz(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"ok\n")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Healthz).serve_forever()
PY
health_server=$!
sleep 1
mapfile -t check < <(podman image inspect --format '{{range .Config.Healthcheck.Test}}{{println .}}{{end}}' "$IMAGE" | sed '/^$/d')
[ "${check[0]}" = CMD ] || { echo "unexpected health check: ${check[*]}" >&2; exit 1; }
as_user HEALTH_PORT="$port" "${check[@]:1}" && echo "healthy: exit 0 (HEALTH_PORT=$port answers /healthz)"
kill "$health_server"
wait "$health_server" 2> /dev/null || true
health_server=""
if as_user HEALTH_PORT="$port" "${check[@]:1}" 2> /dev/null; then
    echo "the health check passed with nothing listening" >&2
    exit 1
fi
echo "unhealthy: exit 1 (nothing listens on $port)"

step "container check passed: $IMAGE"
