import { busSocketOf } from "../../src/platform/busProbe.js";

// Which socket the bus probe connects to, from DBUS_SESSION_BUS_ADDRESS.
test.each([
  ["unix:path=/run/user/1000/bus", "/run/user/1000/bus"],
  ["unix:path=/tmp/dbus-abc,guid=0123", "/tmp/dbus-abc"],
  ["unix:abstract=/tmp/dbus-xyz,guid=0123", "\0/tmp/dbus-xyz"],
  ["unix:path=/tmp/a%20b%2cc", "/tmp/a b,c"],
  ["tcp:host=localhost,port=1;unix:path=/tmp/second", "/tmp/second"],
  ["tcp:host=localhost,port=1", undefined],
  ["unix:tmpdir=/tmp", undefined],
  ["", undefined],
])("%j → %j", (address, socket) => {
  expect(busSocketOf(address)).toBe(socket);
});
