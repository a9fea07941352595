#!/usr/bin/env bash
# Refreshes scalar.js (the self-contained Scalar API reference browser bundle)
# from the exact version pinned in package.json next to this script.
#
# The install happens in a throw-away directory, so no node_modules ever lands
# in the repository. The resulting scalar.js is committed and embedded into the
# gateway assembly; the gateway serves it at /docs/scalar.js.
#
# To upgrade: change the pinned version in package.json, run this script,
# open /docs in a browser, commit package.json and scalar.js together.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pkg="@scalar/api-reference"
bundle_in_pkg="dist/browser/standalone.js"
out="$here/scalar.js"

command -v npm >/dev/null 2>&1 || { echo "error: npm is required" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "error: node is required" >&2; exit 1; }

pinned="$(node -e 'const p=require(process.argv[1]); const v=(p.dependencies||{})[process.argv[2]]; if(!v){process.exit(1)} process.stdout.write(v)' "$here/package.json" "$pkg")" \
  || { echo "error: $pkg is not listed in $here/package.json" >&2; exit 1; }
if ! [[ "$pinned" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "error: $pkg must be pinned to an exact version in package.json (found '$pinned')" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$work/package.json"
echo "Installing $pkg@$pinned in $work ..."
(
  cd "$work"
  npm install --ignore-scripts --no-audit --no-fund --no-package-lock --loglevel=error
)

installed_dir="$work/node_modules/$pkg"
installed="$(node -e 'process.stdout.write(require(process.argv[1]).version)' "$installed_dir/package.json")"
if [[ "$installed" != "$pinned" ]]; then
  echo "error: npm installed $pkg@$installed, expected $pinned" >&2
  exit 1
fi

src="$installed_dir/$bundle_in_pkg"
if [[ ! -s "$src" ]]; then
  echo "error: $src not found; the package layout changed, look for the standalone browser bundle under $installed_dir/dist" >&2
  exit 1
fi

license="$(node -e 'process.stdout.write(String(require(process.argv[1]).license||"see package"))' "$installed_dir/package.json")"

# Write a provenance/licence banner, then the bundle without its trailing
# sourceMappingURL comment (the .map file is not shipped, so browsers'
# dev tools would otherwise request a missing /docs/scalar.js.map).
tmp_out="$work/scalar.js"
{
  printf '/*! %s %s | %s License | Copyright (c) Scalar | https://github.com/scalar/scalar | vendored by update-scalar.sh from %s */\n' \
    "$pkg" "$installed" "$license" "$bundle_in_pkg"
  sed -e '/^[[:space:]]*\/\/[#@] sourceMappingURL=[^[:space:]]*[[:space:]]*$/d' \
      -e 's#[[:space:]]*//[#@] sourceMappingURL=[^[:space:]]*[[:space:]]*$##' "$src"
} > "$tmp_out"
# End with exactly one newline (the upstream file has none).
if [[ -n "$(tail -c 1 "$tmp_out")" ]]; then
  printf '\n' >> "$tmp_out"
fi

mv "$tmp_out" "$out"
size="$(wc -c < "$out" | tr -d ' ')"
echo "Wrote $out ($size bytes) from $pkg@$installed"
