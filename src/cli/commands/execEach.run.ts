import { closeSync, openSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import { AwsxError, isAwsxError } from "../../errors.js";
import { configPaths, loadUserConfig, readText } from "../../config/userConfig.js";
import { childEnv } from "../../exec/childEnv.js";
import { NAME_LIST_MAX_BYTES, parseNameList } from "../../exec/each/nameList.js";
import { syncBlockNames } from "../../sso/syncBlockNames.js";
import { DEFAULT_MAX, selectProfiles } from "../../exec/each/selectProfiles.js";
import type { OutputMode } from "../../exec/each/outputModes.js";
import { keysIndexOf } from "../keyStoreOpener.js";
import { describePlan } from "../../credentials/stepTable.js";
import { printable } from "../../util/printable.js";
import type { CredentialFlags, Deps } from "../deps.js";
import { longRunCache } from "../deps.js";
import { reportError } from "../report.js";
import { planOf, resolveProfile } from "../resolveProfile.js";
import { alignedTable } from "../table.js";
import { runEachJobs } from "./execEachJobs.js";

// awsx exec --each's parsed input.
export interface EachInput extends CredentialFlags {
  each?: string[];
  eachFrom?: string[];
  eachSync?: string[];
  dryRun?: boolean;
  keepGoing?: boolean;
  jobs?: string;
  output?: OutputMode;
  timeout?: number;
  max?: string;
  command?: string[];
  force?: boolean;
  server?: boolean;
}

// A word as a POSIX shell reads it back (Python's shlex.quote), for --dry-run's line.
const shellWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'"'"'`)}'`);

const usage = (m: string) => new AwsxError("E_USAGE", m);

// A whole number from --jobs or --max, within [1, top].
function count(value: string | undefined, flag: string, top: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (n >= 1 && n <= top) return n;
  throw usage(`${flag} must be a whole number from 1 to ${top}, not ${JSON.stringify(value)}`);
}

// At most NAME_LIST_MAX_BYTES + 1 bytes of a file or of stdin (-): enough to refuse more.
function readNameFile(path: string): Buffer {
  const source = path === "-" ? "stdin" : path;
  let fd: number | undefined;
  try {
    fd = path === "-" ? 0 : openSync(path, "r");
    const buf = Buffer.alloc(NAME_LIST_MAX_BYTES + 1);
    let size = 0;
    for (let n = 1; n > 0 && size < buf.length; size += n)
      n = readSync(fd, buf, size, buf.length - size, null);
    return buf.subarray(0, size);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw usage(`cannot read --each-from ${JSON.stringify(source)}: ${why}`);
  } finally {
    if (fd !== undefined && fd !== 0) closeSync(fd);
  }
}

// The checks of the flags before any file is read.
function checkInput(input: EachInput, deps: Deps): void {
  if (!input.command?.length)
    throw usage("awsx exec --each needs a command after --: awsx exec --each PATTERN -- COMMAND");
  if (input.server) throw usage("--server cannot be used with --each: run one profile per exec");
  if (deps.settings.execProfile && !input.force)
    throw usage(
      `already inside awsx exec for profile "${deps.settings.execProfile}" ` +
        "(AWSX_EXEC_PROFILE is set); type `exit` to leave that shell first, or pass --force",
    );
  if (input.timeout !== undefined && !(input.timeout > 0))
    throw usage("--timeout must be more than 0 seconds");
}

// The profiles --each, --each-from and --each-sync choose, each once.
async function chosenProfiles(input: EachInput, deps: Deps): Promise<string[]> {
  const config = loadUserConfig(deps.env);
  const stored = (await keysIndexOf(deps)) ?? [];
  const known = [...new Set([...config.profiles.keys(), ...stored])];
  const { configFile } = configPaths(deps.env);
  const lists = [
    ...(input.eachFrom ?? []).map((f) => ({
      source: `--each-from ${JSON.stringify(f)}`,
      names: parseNameList(readNameFile(f), f === "-" ? "stdin" : f),
    })),
    ...(input.eachSync ?? []).map((s) => ({
      source: `--each-sync ${JSON.stringify(s)}`,
      names: syncBlockNames(readText(configFile) ?? "", s, configFile),
    })),
  ];
  const max = count(input.max, "--max", 100_000) ?? DEFAULT_MAX;
  return selectProfiles({ patterns: input.each ?? [], lists }, known, max);
}

// awsx exec --each ... -- COMMAND: credentials for every profile first, then the command in
// each, a few at a time; 0 when every run succeeded, SOME_FAILED (123) otherwise.
export async function runEach(input: EachInput, deps: Deps): Promise<number> {
  checkInput(input, deps);
  const jobs = count(input.jobs, "--jobs", 256) ?? Math.min(4, availableParallelism());
  const names = await chosenProfiles(input, deps);
  const argv = input.command!;
  if (input.dryRun) return dryRun(names, argv, jobs, input, deps);
  // One cache for every profile: a source several share is fetched (and asks for its MFA
  // code) once, also with --no-cache or no backend, where it is kept in memory for the run.
  const shared = { ...deps, sharedCache: longRunCache(input, deps) };
  const ready: Array<{ profile: string; env: Record<string, string> }> = [];
  const failed: Array<{ profile: string; code: number; why: string }> = [];
  const expirations = new Map<string, Date>();
  for (const profile of names) {
    try {
      const { plan, credentials } = await resolveProfile(profile, input, shared);
      ready.push({ profile, env: childEnv(deps.env, credentials, profile, plan.region) });
      if (credentials.expiration) expirations.set(profile, credentials.expiration);
    } catch (e) {
      const code = reportError(e, deps.logger);
      failed.push({ profile, code, why: isAwsxError(e) ? e.code : "E_INTERNAL" });
    }
  }
  if (failed.length > 0 && !input.keepGoing) {
    deps.logger.error(
      `${failed.length} of ${names.length} profiles have no credentials; nothing was run ` +
        "(--keep-going runs the others)",
    );
    return failed[0]!.code;
  }
  const refresh = refresher(expirations, input, shared);
  return runEachJobs({ argv, ready, failed, names, jobs, input, deps, refresh });
}

// A child that starts late (many profiles, a few at a time) gets its credentials again when
// they have less than AWSX_MIN_TTL left: through the same caches, and never with a prompt
// or the --mfa-token code (used once already), as exec --server refreshes.
function refresher(expirations: Map<string, Date>, input: EachInput, deps: Deps) {
  const later = {
    ...input,
    prompt: false as const,
    noPromptReason: "awsx exec --each refreshes credentials without prompting once commands run",
    mfaToken: undefined,
  };
  const noCode = { ...deps, settings: { ...deps.settings, mfaToken: undefined } };
  return async (job: { profile: string; env: Record<string, string> }) => {
    const expiration = expirations.get(job.profile);
    const left = expiration ? expiration.getTime() - deps.now().getTime() : Infinity;
    if (left > deps.settings.minTtlMs) return job.env;
    deps.logger.debug(`profile ${job.profile}: credentials expire in ${left} ms: again`);
    try {
      const { plan, credentials } = await resolveProfile(job.profile, later, noCode);
      return childEnv(deps.env, credentials, job.profile, plan.region);
    } catch (e) {
      reportError(e, deps.logger);
      return { why: isAwsxError(e) ? e.code : "E_INTERNAL" };
    }
  };
}

// --dry-run: what would run, and the route of each profile, from the files alone.
async function dryRun(
  names: string[],
  argv: string[],
  jobs: number,
  input: EachInput,
  deps: Deps & { out?: (s: string) => void },
): Promise<number> {
  const rows: string[][] = [["PROFILE", "CREDENTIALS"]];
  let code = 0;
  for (const profile of names) {
    try {
      rows.push([profile, describePlan(await planOf(profile, input, deps))]);
    } catch (e) {
      rows.push([profile, `error: ${printable((e as Error).message)}`]);
      if (code === 0) code = isAwsxError(e) ? e.exitCode : 70;
    }
  }
  const command = argv.map((a) => printable(shellWord(a))).join(" ");
  const out = deps.out ?? ((s: string) => void process.stdout.write(s));
  out(`would run ${command} in ${names.length} profile(s), ${jobs} at a time:\n`);
  out(`${alignedTable(rows).join("\n")}\n`);
  return code;
}
