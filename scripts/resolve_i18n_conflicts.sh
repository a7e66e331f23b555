#!/usr/bin/env bash
# During a merge: resolve conflicts in translation catalogues (.po: union of both sides; .mo: recompiled).
set -euo pipefail
PY="${PY:-.venv/bin/python}"
for f in $(git diff --name-only --diff-filter=U | grep '\.po$' || true); do "$PY" scripts/merge_po.py "$f"; done
for f in $(git diff --name-only --diff-filter=U | grep '\.mo$' || true); do
  msgfmt -o "$f" "${f%.mo}.po" && git add "$f"
done
