// Unit tests import src/ through ts-jest (ESM); integration and e2e tests run the
// built bin/awsx.js against real moto, real keychains and real child processes.
module.exports = {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.tsx?$": [
      "ts-jest",
      { useESM: true, tsconfig: "<rootDir>/tsconfig.json", diagnostics: { warnOnly: false } },
    ],
  },
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/scripts/jest-summary.cjs"],
};
