#!/bin/sh
# The daily backup's systemd units, checked as systemd reads them: they parse, the timer is a
# valid daily calendar, and the service's sandbox is as tight as the server's (systemd-analyze
# security rates it 0.6 "SAFE"; more than 2.0 fails). The program's path is pointed at the build
# so that systemd-analyze finds it. $1: the built planaloud.
set -eu
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)/server/package
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/bin/planaloud|$bin|g" "$src/planaloud-backup.service" > "$work/planaloud-backup.service"
cp "$src/planaloud-backup.timer" "$work/"
cd "$work"
systemd-analyze verify ./planaloud-backup.service ./planaloud-backup.timer
grep -q '^Persistent=true$' planaloud-backup.timer
grep -q '^RandomizedDelaySec=' planaloud-backup.timer
systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' planaloud-backup.timer)" >/dev/null
grep -q '^User=planaloud$' planaloud-backup.service
grep -q -- '--keep [0-9]' planaloud-backup.service
systemd-analyze security --offline=true --threshold=20 ./planaloud-backup.service >/dev/null
echo "the backup units are sound"
