#!/bin/sh
# The server's layout rules, checked: no source file over 800 lines, no function over 80 lines
# (data tables are not functions), SQL only in the store (only store*.c include sqlite3.h), eSpeak
# only in tts.c, libcurl only in alerts_send.c, and no plan status compared as a string outside
# plan.c and the store.
set -u
cd "$(dirname "$0")/.."
bad=0
for f in server/*.c server/*.h; do
  n=$(wc -l < "$f")
  [ "$n" -le 800 ] || { echo "$f: $n lines (at most 800: split it along its nouns)"; bad=1; }
done
awk 'FNR == 1 { name = "" }
     /^[A-Za-z].*\(/ { name = $0 }
     /^\{/ { start = FNR }
     /^\}/ && start { if (FNR - start - 1 > 80) { printf "%s:%d: %s: %d lines (at most 80)\n", FILENAME, start, name, FNR - start - 1; bad = 1 } start = 0 }
     END { exit bad }' server/*.c || bad=1
for f in $(grep -l '#include <sqlite3.h>' server/*.c server/*.h); do
  case "$f" in server/store*) ;; *) echo "$f includes sqlite3.h: only the store speaks SQL"; bad=1 ;; esac
done
for f in $(grep -l '#include <espeak-ng/' server/*.c server/*.h); do
  [ "$f" = server/tts.c ] || { echo "$f includes eSpeak: only tts.c does"; bad=1; }
done
for f in $(grep -l '#include <curl/' server/*.c server/*.h); do
  [ "$f" = server/alerts_send.c ] || { echo "$f includes libcurl: only alerts_send.c does"; bad=1; }
done
statuses='"(draft|submitted|changes_requested|agreed|not_agreed|signed_off|review_due)"'
for f in server/*.c; do
  case "$f" in server/plan.c|server/store*) continue ;; esac
  grep -nE "strcmp\([^;]*$statuses" "$f" | sed "s|^|$f:|; s|\$|  (compare plan_status values)|" | grep . && bad=1
done
exit $bad
