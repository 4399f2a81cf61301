'use strict';
// Two projects: `unit` (pure TypeScript, no addon) and `native` (loads the addon). jest loads a
// .node file with Node's own require, so the addon is initialised once per worker process even
// though every test file gets its own module registry; lib/native re-hands its error class to
// the addon in each registry (see lib/native/binding.ts).
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'native', testMatch: ['<rootDir>/test/native/**/*.test.ts'], slowTestThreshold: 30 },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], slowTestThreshold: 60 },
  ],
};
