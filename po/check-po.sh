#!/bin/sh
# check-po.sh SRCDIR — the translation is complete and its file list is true:
#  - po/zh_CN.po compiles with --check and has no fuzzy or untranslated entry,
#    counting the strings the C sources and UI files have today (xgettext);
#  - every source file with a translatable string is in po/POTFILES.in, and
#    every file listed there exists (so xgettext sees every string).
set -eu
top=$1
status=0
for po in "$top"/po/*.po; do
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || { echo "$po: $stats"; status=1; continue; }
  case "$stats" in
    *untranslated*|*fuzzy*) echo "$po: $stats"; status=1 ;;
  esac
done
listed=$(grep -v '^#' "$top/po/POTFILES.in" | sed '/^$/d')
for f in $listed; do
  [ -f "$top/$f" ] || { echo "po/POTFILES.in lists $f, which does not exist"; status=1; }
done
cd "$top"
for f in $(grep -rlE '(^|[^A-Za-z0-9_])(_|N_|C_|g_dngettext|ngettext)\(|translatable="yes"' src resources data 2>/dev/null | sort); do
  case "$f" in *.h) continue ;; esac
  echo "$listed" | grep -qx "$f" || { echo "$f has translatable strings but is not in po/POTFILES.in"; status=1; }
done
# Strings in the code that the catalogue does not have yet.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "$listed" | grep -E '\.(c|ui)$' > "$tmp/files"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --files-from="$tmp/files" -o "$tmp/code.pot"
# A format macro xgettext does not know (G_GINT64_FORMAT) cuts the msgid short
# at its "%", and the runtime lookup of the whole string finds nothing.
cut=$(grep -B1 -E '^msgid ".*%"$' "$tmp/code.pot" | grep '^#:' || true)
if [ -n "$cut" ]; then
  echo "msgids cut short by a format macro inside _() (use PRId64 from <inttypes.h>):"
  echo "$cut"
  status=1
fi
for po in po/*.po; do
  msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" "$tmp/code.pot"
  missing=$(msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep -c '^msgid ' || true)
  if [ "$missing" -gt 1 ]; then
    echo "$po lacks translations of $((missing - 1)) strings from the code:"
    msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep -A1 '^msgid ' | grep -v '^msgid ""$' | head -40
    status=1
  fi
done
exit $status
