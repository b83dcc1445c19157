import type { RunDeps } from "../command.js";
import { COMMANDS, TABLE } from "../commands/index.js";
import { camel } from "../options.js";
import { EACH_OPTIONS } from "../eachOptions.js";
import { parseCommandLine, tableOf } from "../parse.js";
import { logSettings, readSettings, type Settings } from "../settings.js";
import type { LoadedConfig } from "../../config/load.js";
import { chainProfiles } from "../../keys/storedKeys.js";
import type { ItemState } from "../../platform/keychainItemState.js";
import { proxySecrets } from "../../platform/proxyChoice.js";
import type { Env, Store } from "../../types.js";
import { agentLogger } from "./agentLogger.js";
import { GoDirect, type Held, heldStore } from "./heldStore.js";
import type { AgentAnswer, AgentRequest } from "../agentProtocol.js";
import { AGENT_PROTOCOL } from "../agentProtocol.js";

// What an agent brings to every request.
export interface AgentState {
  cacheDir: string;
  // The agent's own D-Bus session: the keychain library talks to the bus of the process.
  bus: string | undefined;
  keychain: () => Promise<Store>;
  // An item's state now, asked before a value is used (heldStore).
  stateOf: (key: string) => Promise<ItemState>;
  held: Held;
  config: (env: Env) => LoadedConfig;
}

const table = tableOf(TABLE);
const exec = COMMANDS.find((c) => c.name === "exec")!;
const direct = (why: string): AgentAnswer => ({ v: AGENT_PROTOCOL, kind: "direct", why });

// Answers `awsx exec PROFILE -- CMD` with the child awsx would start, when the agent can
// finish it as the direct path would without asking, calling or locking anything: the same
// parser, settings (from the client's environment), resolution and child environment, with
// the keychain's sessions held in memory. Everything else is "direct".
export async function answerExec(
  req: Extract<AgentRequest, { op: "exec" }>,
  state: AgentState,
): Promise<AgentAnswer> {
  const env = req.env;
  const settings = readSettings(env);
  const log = logSettings(env);
  const refused = whyNot(req, state, settings, log.debug);
  if (refused) return direct(refused);
  const parsed = parseCommandLine(req.argv, table);
  if (parsed.kind !== "run" || parsed.command.name !== "exec") return direct("not awsx exec");
  const input = parsed.input;
  const flagsWhy = flagsRefused(input, settings.backend);
  if (flagsWhy) return direct(flagsWhy);
  process.chdir(req.cwd);
  const config = state.config(env);
  // A helper or an endpoint is run or called by the direct path, never by the agent.
  for (const name of chainProfiles(config, input.profile as string)) {
    const v = config.profiles.get(name)?.values ?? {};
    if (v.credential_process !== undefined) return direct("credential_process");
    if (v.credential_source !== undefined && v.credential_source !== "Environment")
      return direct("credential_source");
  }
  const said = agentLogger(Boolean(input.quiet));
  const logger = said.logger;
  for (const s of proxySecrets(env)) logger.proxySecret(s);
  const touched = new Set<string>();
  let child: { argv: string[]; env: Record<string, string> } | undefined;
  const no = async (): Promise<never> => {
    throw new GoDirect("a call or a prompt is due");
  };
  const windowMs = settings.minTtlMs;
  const now = () => new Date();
  const store = heldStore(state, state.held, { now, windowMs }, touched);
  const deps: RunDeps = {
    env,
    // No lock is waited for: a lock held by another awsx is that awsx's cold run.
    settings: { ...settings, lockWaitMs: 0 },
    logger,
    now,
    out: () => {
      throw new GoDirect("exec wrote to stdout");
    },
    // No picker and no sign-in: the client's terminal is not the agent's.
    tty: { ...req.tty, stdin: false },
    quiet: Boolean(input.quiet),
    stsFactory: no,
    ssoFactory: { portal: no, oidc: no },
    prompt: no,
    openedBackend: async () => store,
    loadConfig: state.config,
    handOff: async (argv, childEnv) => {
      child = { argv, env: childEnv };
      return 0;
    },
  };
  try {
    await exec.run(input, deps);
  } catch (e) {
    forget(state.held, touched);
    throw e;
  }
  if (!child) {
    forget(state.held, touched);
    return direct("no child");
  }
  said.flush(log.logFile, req.pid);
  return {
    v: AGENT_PROTOCOL,
    kind: "exec",
    argv: child.argv,
    env: child.env,
    stderr: said.stderr(),
  };
}

// What keeps a request from the agent before its command line is parsed.
function whyNot(
  req: Extract<AgentRequest, { op: "exec" }>,
  state: AgentState,
  settings: Settings,
  debug: boolean,
): string {
  const env = req.env;
  if (env.DBUS_SESSION_BUS_ADDRESS !== state.bus) return "another D-Bus session";
  if (!settings.agent) return "AWSX_AGENT is off";
  if (settings.cacheDir !== state.cacheDir) return "another cache folder";
  // --debug says which path a run takes: the direct path's own words.
  if (debug) return "AWSX_DEBUG";
  return "";
}

// exec's flags the agent leaves to the direct path: no profile (the picker), --each, --server,
// --no-cache, a backend other than the keychain, --debug.
function flagsRefused(input: Record<string, unknown>, backend: string | undefined): string {
  if (typeof input.profile !== "string") return "no profile";
  if (input.debug) return "--debug";
  if (input.server) return "--server";
  if (input.cache === false) return "--no-cache";
  if (EACH_OPTIONS.some((o) => input[camel(o.name)] !== undefined)) return "--each";
  const chosen = (input.backend as string | undefined) ?? backend;
  if (chosen !== undefined && chosen !== "keychain") return "a backend other than the keychain";
  return "";
}

// A request that went direct read values that may be stale (an expired SSO token): read them
// from the keychain again next time.
function forget(held: Held, touched: Set<string>): void {
  for (const k of touched) held.entries.delete(k);
}
