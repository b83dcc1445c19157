// Replaced at build time from package.json (see scripts/build.mjs).
declare const __AWSX_VERSION__: string | undefined;
export const VERSION: string =
  typeof __AWSX_VERSION__ === "string" ? __AWSX_VERSION__ : "0.0.0-dev";
