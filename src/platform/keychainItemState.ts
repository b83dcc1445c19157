import * as dbusNative from "@homebridge/dbus-native";
import { busSocketOf } from "./busProbe.js";

// Where a keychain item stands, asked without reading it: "unlocked" (there, readable without
// a prompt), "locked" (there, but reading it would ask the user to unlock the keychain), or
// "missing" (deleted, by awsx or by another program).
export type ItemState = "unlocked" | "locked" | "missing";

// What the agent asks before it answers from what it holds (docs/agent.md): the state of the
// item now. One D-Bus client, made at the first question and again after it failed.
export interface ItemStates {
  stateOf(key: string): Promise<ItemState>;
  close(): void;
}

// The part of @homebridge/dbus-native used here (its own types leave createClient out).
interface Bus {
  connection: { stream: { destroy(): void }; on(e: "error" | "end", f: () => void): void };
  invoke(
    message: Record<string, unknown>,
    answered: (error: unknown, unlocked?: unknown, locked?: unknown) => void,
  ): void;
}
const { createClient } = dbusNative as unknown as { createClient(o: { socket: string }): Bus };

// The states of the items of SERVICE (awsx's keychain items: `service`, `username` = the
// cache key, docs/cache.md) on the Secret Service of the session bus at ADDRESS, through the
// Secret Service's SearchItems, which names the items that match and which of them are locked,
// never reads a secret and never prompts. Bounded by timeoutMs per question: a bus that does
// not answer (stopped, or not a unix socket awsx can reach) rejects, and the agent goes direct.
export function keychainItemStates(
  address: string | undefined,
  service: string,
  timeoutMs: number,
): ItemStates {
  const socket = address === undefined ? undefined : busSocketOf(address);
  let bus: Bus | undefined;
  const drop = () => {
    bus?.connection.stream.destroy();
    bus = undefined;
  };
  const open = (path: string): Bus => {
    const b = createClient({ socket: path });
    const gone = () => {
      if (bus === b) drop();
    };
    b.connection.on("error", gone);
    b.connection.on("end", gone);
    return b;
  };
  const stateOf = (key: string): Promise<ItemState> =>
    new Promise((resolve, reject) => {
      if (socket === undefined) return reject(new Error("no unix-socket D-Bus session to ask"));
      bus ??= open(socket);
      const timer = setTimeout(() => {
        drop();
        reject(new Error(`the Secret Service did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const search = {
        destination: "org.freedesktop.secrets",
        path: "/org/freedesktop/secrets",
        interface: "org.freedesktop.Secret.Service",
        member: "SearchItems",
        signature: "a{ss}",
        body: [
          [
            ["service", service],
            ["username", key],
          ],
        ],
      };
      bus.invoke(search, (error, unlocked, locked) => {
        clearTimeout(timer);
        if (error) return reject(new Error(`the Secret Service's SearchItems failed`));
        const state = itemStateOf(unlocked, locked);
        if (state) resolve(state);
        else reject(new Error("the Secret Service's SearchItems answered something else"));
      });
    });
  return { stateOf, close: drop };
}

// SearchItems' answer: the matching items that are unlocked, and those that are locked. One
// locked match is enough to call the item locked: the keychain library would prompt for it.
// undefined: not two lists (answered inside the library's callback, so never thrown there).
function itemStateOf(unlocked: unknown, locked: unknown): ItemState | undefined {
  if (!Array.isArray(unlocked) || !Array.isArray(locked)) return undefined;
  if (locked.length > 0) return "locked";
  return unlocked.length > 0 ? "unlocked" : "missing";
}
