#!/usr/bin/env bash
# The test command (npm test): build the production entry, then run every jest tier
# inside a private D-Bus session with an unlocked gnome-keyring, so the keychain
# tests use the real Secret Service. Without dbus-run-session the keychain tests
# skip with a notice (and fail when CI=true).
set -uo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs || exit 1
export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"
export AWS_EC2_METADATA_DISABLED=true
run_jest() { node node_modules/jest/bin/jest.js "$@"; }
if [ -z "${AWSX_IN_DBUS:-}" ] && command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec env AWSX_IN_DBUS=1 dbus-run-session -- bash "$0" "$@"
fi
if [ -n "${AWSX_IN_DBUS:-}" ]; then
  # Unlock (creating if needed) the login keyring with a throwaway password.
  eval "$(echo -n awsx-test | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL
fi
run_jest "$@"
