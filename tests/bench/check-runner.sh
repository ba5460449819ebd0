#!/bin/sh
# check-runner.sh DEV BUILDDIR — `build-aux/dev bench` runs every benchmark
# program and nothing else: meson keeps a bench-*.p object folder beside
# each program, and running one of those stopped the whole bench (exit 126).
set -eu
dev=$1
build=$2
listed=$(ND_BUILDDIR=$build "$dev" bench --list)
expected=$(for f in "$build"/tests/bench/bench-*; do
             if [ -f "$f" ] && [ -x "$f" ]; then echo "$f"; fi
           done)
[ -n "$expected" ] || { echo "no benchmark programs in $build/tests/bench"; exit 1; }
for f in $listed; do
  [ -f "$f" ] && [ -x "$f" ] || { echo "would run $f, which is not a program"; exit 1; }
done
[ "$listed" = "$expected" ] || { printf 'listed:\n%s\nexpected:\n%s\n' "$listed" "$expected"; exit 1; }
echo "ok: $(echo "$listed" | wc -l) benchmark programs"
