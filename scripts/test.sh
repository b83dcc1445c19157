#!/usr/bin/env bash
# The test command (npm test): build the production entry, then run every jest tier
# inside a private D-Bus session with an unlocked gnome-keyring, so the keychain
# tests use the real Secret Service. Without dbus-run-session the keychain tests
# skip with a notice (and fail when CI=true).
#
# Two jest passes share one fresh AWSX_LOG_FILE: every awsx the suite runs appends each
# line it writes there (debug lines included, redacted like stderr; src/util/log.ts). The
# main pass runs everything but __tests__/leak; the second runs __tests__/leak alone, which
# scans that log for secrets. With arguments (`npm test -- PATH...`) only the main pass
# runs, with them: the scan needs the whole suite's log. AWSX_TEST_SUMMARY, when set,
# receives the totals of both passes (scripts/jest-summary.cjs adds them up).
set -uo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs || exit 1
export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"
export AWS_EC2_METADATA_DISABLED=true
# No awsx a test runs starts an agent (docs/agent.md) unless the test sets AWSX_AGENT=1.
export AWSX_AGENT=0
run_jest() { node node_modules/jest/bin/jest.js "$@"; }
if [ -z "${AWSX_IN_DBUS:-}" ] && command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec env AWSX_IN_DBUS=1 dbus-run-session -- bash "$0" "$@"
fi
if [ -n "${AWSX_IN_DBUS:-}" ]; then
  # A throwaway login keyring in a folder of its own (never the user's real keyring),
  # created and unlocked with a throwaway password.
  keyrings=$(mktemp -d "${TMPDIR:-/tmp}/awsx-test-keyring.XXXXXX") || exit 1
  trap 'rm -rf "$keyrings"' EXIT
  export XDG_DATA_HOME="$keyrings"
  eval "$(echo -n awsx-test | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL
fi
[ -n "${AWSX_TEST_SUMMARY:-}" ] && : >"$AWSX_TEST_SUMMARY"
AWSX_LOG_FILE=$(mktemp "${TMPDIR:-/tmp}/awsx-test-log.XXXXXX") || exit 1
export AWSX_LOG_FILE

run_jest "$@" --testPathIgnorePatterns '/__tests__/leak/'
main=$?
if [ $# -gt 0 ]; then
  echo "leak scan skipped: it reads the whole suite's awsx log (run npm test without arguments)" >&2
  rm -f "$AWSX_LOG_FILE"
  exit $main
fi
run_jest __tests__/leak
leak=$?
if [ $leak -eq 0 ]; then rm -f "$AWSX_LOG_FILE"; else echo "awsx log kept for inspection: $AWSX_LOG_FILE" >&2; fi
[ $main -eq 0 ] && [ $leak -eq 0 ]
