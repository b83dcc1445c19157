// How the children's output of `awsx exec --each` reaches awsx's (output.ts).
export const OUTPUT_MODES = ["prefix", "grouped", "json"] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];
