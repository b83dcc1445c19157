import {
  mergeBlock,
  nameProfiles,
  renderBlock,
  type SyncPair,
  type SyncProfile,
  userProfileNames,
} from "./syncBlock.js";
import { checkBlock, checkMerged, meantSections } from "./syncCheck.js";

// What `awsx sso sync` needs to compute the new config text (no I/O).
export interface SyncInput {
  before: string; // the config file's text ("" when there is none)
  file: string; // its path, for messages
  session: string;
  pairs: SyncPair[]; // checked where they came from the portal (listPairs)
  template: string;
  region?: string;
}

// The new text of the config file: the block of `session` holding one profile per pair
// (except names the user has outside it: `yours`), replaced in place or appended, and read back
// as meant (syncCheck.ts) before anyone writes it.
export function syncedConfig(input: SyncInput): {
  after: string;
  profiles: SyncProfile[];
  yours: string[];
} {
  const { before, file, session } = input;
  const theirs = userProfileNames(before, session, file);
  const named = nameProfiles(input.pairs, input.template, session);
  const profiles = named.filter((p) => !theirs.has(p.name));
  const yours = named.filter((p) => theirs.has(p.name)).map((p) => p.name);
  const block = renderBlock(session, profiles, input.region);
  const meant = meantSections(session, profiles, input.region);
  checkBlock(block, session, meant, file);
  const after = mergeBlock(before, session, block, file);
  checkMerged(after, session, block, meant, file);
  return { after, profiles, yours };
}
