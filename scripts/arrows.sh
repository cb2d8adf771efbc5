#!/usr/bin/env bash
# Prints which of our top-level modules each one uses ("app -> api config ..."),
# read from `crate::X` / `triage::X` paths outside comments and test modules.
# docs/architecture.md lists the same arrows; run this to check it.
set -euo pipefail
cd "$(dirname "$0")/.."
mods="api app cli config filter model runtime server text ui"
for m in $mods; do
    if [ -d "src/$m" ]; then files=$(find "src/$m" -name '*.rs'); else files="src/$m.rs"; fi
    # Code before the first `#[cfg(test)]` of each file, comments dropped.
    code=$(for f in $files; do sed '/^ *#\[cfg(test)\]/,$d' "$f"; done | grep -v '^ *//')
    uses=""
    for d in $mods; do
        [ "$d" = "$m" ] && continue
        if grep -Eq "(crate|triage)::$d\b" <<<"$code"; then uses="$uses $d"; fi
    done
    echo "$m ->${uses:- (nothing of ours)}"
done
