#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing (PostgreSQL server programs for
# the throwaway test cluster, Chromium for the /docs page test, bubblewrap and Debian's python3 for the
# code-execution sandbox, the JavaScript SDKs in tests/js), then prints "N passed, N failed".
# Extra arguments go to `dotnet test` (.ci/run passes --configuration Release --no-build).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

missing=()
if [ -z "${GATEWAY_TEST_DATABASE:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  missing+=(postgresql)
fi
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/bwrap ] || missing+=(bubblewrap)
[ -x /usr/bin/python3 ] || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing ${missing[*]}; install them (Debian: sudo apt-get install ${missing[*]}) or set GATEWAY_TEST_DATABASE" >&2
    exit 1
  fi
fi

# The official JavaScript SDK and Claude Code, which the suite drives against a live gateway (tests/js, pinned by its lock file).
if [ ! -d tests/js/node_modules/@google/genai ] || [ ! -d tests/js/node_modules/@anthropic-ai/claude-code ] || [ ! -d tests/js/node_modules/openai ] || [ ! -d tests/js/node_modules/@anthropic-ai/sdk ] || [ ! -d tests/js/node_modules/@openai/codex ]; then
  echo "test.sh: installing the JavaScript client SDKs (npm ci in tests/js)"
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# A test that hangs fails after 5 minutes with a dump, instead of wedging the run.
dotnet test Gateway.sln --blame-hang-timeout 5m "$@" 2>&1 | tee "$log" || status=$?

# dotnet test prints one summary per test assembly; add them up into the line CI reads.
total() { grep -Eo "$1: +[0-9]+" "$log" | awk '{ n += $2 } END { print n + 0 }'; }
passed=$(total Passed)
echo "$passed passed, $(total Failed) failed, $(total Skipped) skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
