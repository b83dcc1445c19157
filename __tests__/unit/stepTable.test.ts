// Every step kind's hop id (the cache key of its session), one-line description (--debug)
// and explain data, pinned: the values in stepTable.pinned.json were written by the code
// before the step table (src/credentials/stepTable.ts) and must not change with it. A change
// here is a change of every cached session's key or of `awsx explain --json`.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { explainData } from "../../src/cli/commands/explain.js";
import { hopIds } from "../../src/credentials/hopIds.js";
import { describePlan } from "../../src/credentials/stepTable.js";
import { HOP, PLANS } from "./stepKinds.cases.js";

const PINNED = fileURLToPath(new URL("../golden/stepTable.pinned.json", import.meta.url));

const computed = () =>
  Object.fromEntries(
    Object.entries(PLANS).map(([name, plan]) => [
      name,
      {
        hopIds: hopIds(plan, HOP),
        describe: describePlan(plan),
        explain: JSON.parse(JSON.stringify(explainData(plan, { label: "sts", from: "x" }).hops)),
      },
    ]),
  );

describe("step kinds, pinned", () => {
  const pinned = JSON.parse(readFileSync(PINNED, "utf8"));

  it.each(Object.keys(PLANS))("%s: hop ids, description and explain data", (name) => {
    expect(computed()[name]).toEqual(pinned[name]);
  });
});
