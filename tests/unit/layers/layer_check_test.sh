#!/usr/bin/env bash
# scripts/check-layers on small trees: the repository's own passes, a
# wrong-direction include fails and names the file, and the api's one
# allowed storage header passes.
set -euo pipefail
check="$(dirname "$0")/../../../scripts/check-layers"
tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT

"$check" || { echo "the repository itself fails the layer check" >&2; exit 1; }

mkdir -p "$tree"/server/{domain,api,storage}
echo '#include "server/storage/records.h"' > "$tree/server/api/ok.h"
echo '#include "server/domain/ids.h"' > "$tree/server/api/also_ok.cc"
"$check" "$tree" || { echo "allowed includes were refused" >&2; exit 1; }

echo '#include "server/api/handler.h"' > "$tree/server/domain/upward.h"
if out="$("$check" "$tree" 2>&1)"; then
  echo "domain -> api was not refused" >&2
  exit 1
fi
grep -q 'server/domain/upward.h includes "server/api/handler.h"' <<<"$out"
rm "$tree/server/domain/upward.h"

echo '#include "server/storage/database.h"' > "$tree/server/api/around.cc"
if "$check" "$tree" 2>/dev/null; then
  echo "api -> storage/database.h was not refused" >&2
  exit 1
fi
echo "layer check: ok"
