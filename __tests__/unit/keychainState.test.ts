import {
  keychainProblem,
  keychainStateOf,
  type KeychainState,
} from "../../src/cache/keychainState.js";

// The library's own messages (seen with @napi-rs/keyring 2.1 against gnome-keyring) and
// awsx's, each read as one state.
test.each<[string, KeychainState]>([
  [
    "keychain read failed: Couldn't access platform storage: Secret Service: " +
      "unlock prompt was dismissed",
    "locked",
  ],
  [
    "keychain list failed: zbus error: org.freedesktop.Secret.Error.IsLocked: " +
      "Cannot get secret of a locked object",
    "locked",
  ],
  [
    "keychain write failed: Couldn't access platform storage: Secret Service: no result found",
    "no-service",
  ],
  [
    "keychain read failed: Platform failure: DBus error: " +
      "The name org.freedesktop.secrets was not provided by any .service files",
    "no-service",
  ],
  ["the keychain needs a D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)", "no-bus"],
  ["the keychain needs a D-Bus session (no D-Bus session bus at /run/x (ENOENT))", "no-bus"],
  [
    "keychain read failed: Platform failure: DBus error: " +
      "Failed to connect to socket /nonexistent: No such file or directory",
    "no-bus",
  ],
  ["the D-Bus session bus at /tmp/dbus-x did not answer within 2000 ms", "bus-silent"],
  [
    "keychain read failed: Platform failure: DBus error: Did not receive a reply. Possible causes",
    "service-silent",
  ],
  ["keychain list failed: the keychain did not answer within 5000 ms", "service-silent"],
  [
    "@napi-rs/keyring did not load (Cannot find native binding); reinstall awsx, " +
      "or use --backend file",
    "no-library",
  ],
  ["keychain write failed: something new", "failing"],
])("%s → %s", (message, state) => {
  expect(keychainStateOf(message)).toBe(state);
});

test("each state's wording names the state and a fix; reading offers no file store", () => {
  expect(keychainProblem("locked", "x")).toMatch(
    /locked .*\(x\); unlock the keychain .*, or set AWSX_FILE_PASSPHRASE/,
  );
  expect(keychainProblem("locked", "x", false)).not.toMatch(/AWSX_FILE_PASSPHRASE/);
  expect(keychainProblem("bus-silent")).toMatch(/does not answer; restart the session/);
});
