#!/bin/sh
# The Debian package, tried as a council's IT team would: built from the tree (`make package`),
# checked by lintian (no errors), installed with `apt-get install ./planaloud_*.deb`, and its
# unit started by a real systemd booted in a container: the server answers /healthz as the
# planaloud user with its private state folder, reloads on `systemctl reload`, and stops cleanly.
#
# Nothing on this machine changes: the container's root is an overlay of this machine's own root
# whose changes live in a tmpfs of a private mount namespace, gone when the test ends; it has its
# own network (its port 8080 is not this machine's). Needs root, unshare and systemd-nspawn.
#   package.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
skip=77
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: installing a package and booting systemd in a container needs root"
  exit $skip
fi
for tool in unshare systemd-nspawn lintian curl cpack; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is missing (.ci/install-deps test)"; exit 1; }
done
work=$(mktemp -d /tmp/planaloud-package-XXXXXX)
machine=planaloud-test-$$
trap 'rm -rf "$work"; rmdir /run/systemd/nspawn/propagate/$machine 2>/dev/null || true' EXIT
failures=0
check() { # check WHAT COMMAND...: one line a check, as the C tests print them
  what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

# ---- the package, as `make package` makes it ----
(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log"
  exit 1
}
deb=$(ls "$work"/pkg/planaloud_*.deb)
lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 && lint=0 || lint=1
sed 's/^/  lintian: /' "$work/lintian.log"
check "the package passes lintian without errors" [ $lint -eq 0 ]
dpkg-deb -f "$deb" Depends >"$work/depends"
check "its dependencies name the libraries it links (dpkg-shlibdeps)" \
  grep -q "libwebsockets17.*libsystemd0\|libsystemd0.*libwebsockets17" "$work/depends"

# ---- the container: what it does once booted (as root, inside) ----
mkdir -p "$work/out"
cp "$deb" "$work/out/"
cat >"$work/out/probe.sh" <<'EOF'
#!/bin/sh
# Runs inside the booted container, after planaloud.service has started (or failed).
out=/out
systemctl is-enabled planaloud.service >$out/enabled 2>&1
systemctl is-active planaloud.service >$out/active 2>&1
curl -s -o $out/healthz -w '%{http_code}' http://127.0.0.1:8080/healthz >$out/healthz-status
pid=$(systemctl show -p MainPID --value planaloud.service)
ps -o user= -p "$pid" >$out/user
stat -c '%a %U' /var/lib/planaloud >$out/state
stat -c '%a %U %G' /etc/planaloud/planaloud.conf >$out/conf
systemctl show -p StatusText --value planaloud.service >$out/status-text
systemctl reload planaloud.service
for i in $(seq 50); do
  journalctl -u planaloud.service -o cat | grep -q 'event=reloaded' && break
  sleep 0.1
done
curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/healthz >$out/healthz-after-reload
systemd-analyze security planaloud.service --no-pager >$out/security 2>&1
systemctl stop planaloud.service
systemctl show -p ActiveState,Result,ExecMainCode,ExecMainStatus planaloud.service >$out/stopped
journalctl -u planaloud.service -o cat --no-pager >$out/journal
systemctl poweroff --no-block
EOF
chmod +x "$work/out/probe.sh"

cat >"$work/inner.sh" <<'EOF'
#!/bin/sh
# In a private mount namespace: an overlay of / whose changes go to a tmpfs.
set -eu
work=$1 machine=$2
mkdir -p "$work/t"
mount -t tmpfs tmpfs "$work/t"
mkdir -p "$work/t/upper" "$work/t/work" "$work/t/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/t/upper,workdir=$work/t/work" "$work/t/root"
root=$work/t/root
nspawn() {
  systemd-nspawn -q -D "$root" -M "$machine" --register=no --keep-unit --link-journal=no \
    --private-network --bind="$work/out:/out" "$@"
}
# apt, as a council would: no network, every dependency is already on this machine
nspawn sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
  /out/planaloud_*.deb' >"$work/out/apt.log" 2>&1 || { cat "$work/out/apt.log"; exit 1; }
cat >"$root/etc/systemd/system/planaloud-probe.service" <<'U'
[Unit]
Description=what the package test checks
After=planaloud.service
[Service]
Type=oneshot
ExecStart=/out/probe.sh
[Install]
WantedBy=multi-user.target
U
ln -s ../planaloud-probe.service "$root/etc/systemd/system/multi-user.target.wants/"
timeout -k 10 300 systemd-nspawn -q -D "$root" -M "$machine" --register=no --keep-unit \
  --link-journal=no --private-network --bind="$work/out:/out" -b >"$work/out/boot.log" 2>&1
EOF
start=$(date +%s)
unshare -m --propagation private sh "$work/inner.sh" "$work" "$machine" || {
  echo "FAIL the container did not run; its boot said:"
  tail -30 "$work/out/boot.log" 2>/dev/null
  exit 1
}
echo "  (container: $(($(date +%s) - start)) s)"

# ---- what the container saw ----
has() { grep -q -- "$2" "$work/out/$1" 2>/dev/null; }
check "apt installed the package" has apt.log "Setting up planaloud"
check "the service is enabled at install" has enabled "^enabled"
check "the unit's server was running after boot" has active "^active"
check "/healthz answered 200 and ok" sh -c "has() { grep -q -- \"\$2\" '$work/out/'\$1; }; \
  has healthz-status '^200' && has healthz '\"status\":\"ok\"'"
check "the server runs as the planaloud user" has user "^planaloud"
check "its state folder is 0700 and the server's" has state "^700 planaloud"
check "the settings file is root's and readable by the planaloud group only" \
  has conf "^640 root planaloud"
check "systemd got READY=1 with the server's status (Type=notify)" has status-text "Serving on port"
check "narration started under the unit's hardening" sh -c "! grep -q 'narration is off' '$work/out/journal'"
check "systemctl reload read the content again" has journal "event=reloaded"
check "it still answered after the reload" has healthz-after-reload "^200"
check "systemctl stop ended it cleanly" sh -c "grep -q '^Result=success' '$work/out/stopped' && \
  grep -q '^ExecMainStatus=0' '$work/out/stopped'"
exposure=$(sed -n 's/.*Overall exposure level for planaloud.service: \([0-9.]*\).*/\1/p' \
  "$work/out/security")
echo "  systemd-analyze security: exposure ${exposure:-?} (0 safest, 10 least); still open:"
grep '✗' "$work/out/security" | sed 's/^/    /' || true
check "systemd-analyze security rates the unit OK (2.0 or less)" \
  awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 2.0) }'
if [ $failures -ne 0 ] || [ -n "${PLANALOUD_SHOW_JOURNAL:-}" ]; then
  echo "--- the service's journal"
  cat "$work/out/journal" 2>/dev/null
  echo "--- systemd-analyze security"
  cat "$work/out/security" 2>/dev/null
fi
echo "$failures failed"
[ $failures -eq 0 ]
