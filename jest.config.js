/** Unit tests (*.test.ts) run anywhere; integration and end-to-end tests need the real stack, resolved once in globalSetup. */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json', diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'], testPathIgnorePatterns: ['/node_modules/', '/dist/'] };

module.exports = {
  // real servers on a shared 2-core machine: generous per-test limit, never used as a performance assertion
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/packages/**/src/**/*.test.ts', '<rootDir>/services/**/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/packages/**/src/**/*.itest.ts', '<rootDir>/services/**/src/**/*.itest.ts', '<rootDir>/tests/e2e/**/*.e2e.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
    },
    // kill -9 of Kafka, MinIO, OpenSearch and Custody: one file (its tests run in order) on servers it starts for itself
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/tests/faults/**/*.fault.ts'] },
  ],
};
