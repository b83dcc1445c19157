import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { readRegularFile } from "../platform/readRegular.js";
import type { Env } from "../types.js";
import { cliSsoCacheDir, MAX_TOKEN_FILE_BYTES, type SsoToken, tokenFrom } from "./ssoToken.js";

// A token file of the AWS CLI's: its path, and the token when awsx can use it (a file the CLI
// would sweep may hold a token awsx cannot read: it is removed all the same).
export interface CliTokenFile {
  path: string;
  token?: SsoToken;
}

// What `aws sso logout` sweeps (awscli/customizations/sso/logout.py, SSOTokenSweeper): every
// file of ~/.aws/sso/cache that holds JSON with an accessToken, whatever its name; the client
// registrations beside them stay. Read as awsx reads the CLI's token files: regular files
// (a link followed) of at most MAX_TOKEN_FILE_BYTES.
export async function cliTokenFiles(env: Env): Promise<CliTokenFile[]> {
  const dir = cliSsoCacheDir(env);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: CliTokenFile[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    try {
      const got = await readRegularFile(path, { follow: true, maxBytes: MAX_TOKEN_FILE_BYTES });
      if ("notRead" in got) continue;
      const j: unknown = JSON.parse(got.text);
      if (!j || typeof j !== "object" || !("accessToken" in j)) continue;
      const token = tokenFrom(j);
      out.push(token ? { path, token } : { path });
    } catch {
      // Not JSON, or unreadable: the CLI skips it too.
    }
  }
  return out;
}
