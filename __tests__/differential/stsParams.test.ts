// The minimum lengths awsx checks before any STS call (src/plan/stsParams.ts) against the STS
// model botocore sends requests by (its service-2.json), read in python3.
import { STS_MIN_LENGTH } from "../../src/plan/stsParams.js";
import { pythonImports, pythonJson } from "../helpers/python.js";
import { needsForTest } from "../helpers/requirements.js";

const withBotocore = await needsForTest({
  name: "python3 with botocore",
  probe: pythonImports("botocore.session"),
  hint: "install python3 and botocore to check the table against the STS model",
});

withBotocore("the table is the STS model's (botocore's service-2.json)", () => {
  const py = String.raw`
import json, botocore.session
m = botocore.session.get_session().get_service_model("sts")
out = {}
for op in ("AssumeRole", "AssumeRoleWithWebIdentity", "GetSessionToken"):
    for name, shape in m.operation_model(op).input_shape.members.items():
        if "min" in shape.metadata and shape.type_name == "string":
            out.setdefault(name, set()).add(shape.metadata["min"])
print(json.dumps({k: sorted(v) for k, v in out.items()}))
`;
  const model = pythonJson<Record<string, number[]>>(py, null);
  for (const [param, min] of Object.entries(STS_MIN_LENGTH)) expect(model[param]).toEqual([min]);
  expect(model.RoleSessionName).toEqual([2]);
});
