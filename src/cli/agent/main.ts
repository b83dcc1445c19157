// dist/agent.cjs: the agent's process (docs/agent.md), a bundle of its own, started by the
// agent's client (src/cli/agentClient/startAgent.ts) as `node --disable-sigusr1 dist/agent.cjs`
// in a session of its own. Its settings (cache folder, idle time) come from the environment it
// was started with; each request brings the client's.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openKeychain } from "../../cache/select.js";
import { KEYCHAIN_SERVICE } from "../../platform/keychain.js";
import { keychainItemStates } from "../../platform/keychainItemState.js";
import { readSettings } from "../settings.js";
import { buildId } from "../agentProtocol.js";
import { serveAgent } from "./serveAgent.js";

// The built dist/awsx.cjs next to this bundle: a client of another build makes the agent exit.
const distMain = (): string => {
  const here = import.meta.url;
  return join(here.startsWith("file:") ? fileURLToPath(here) : here, "..", "awsx.cjs");
};

// How long the Secret Service has to say whether an item is there and unlocked (it answers in
// about 0.5 ms): well inside the client's 1 s, so a stuck bus costs a run less than that.
const ITEM_STATE_MS = 500;

async function serve(): Promise<number> {
  const env = process.env;
  const settings = readSettings(env);
  // The keychain of the agent's own environment (its D-Bus session); requests from another
  // session are left to the direct path.
  await serveAgent({
    cacheDir: settings.cacheDir,
    idleMs: settings.agentIdleMs,
    build: buildId(distMain()),
    openKeychain: () => openKeychain(env),
    itemStates: keychainItemStates(env.DBUS_SESSION_BUS_ADDRESS, KEYCHAIN_SERVICE, ITEM_STATE_MS),
  });
  return 0;
}

// A keychain call that never answered may hold a thread: the agent exits when it is done,
// and on any failure (a bad setting, a socket it cannot bind): the next run goes direct.
serve().then(
  (code) => process.exit(code),
  () => process.exit(1),
);
