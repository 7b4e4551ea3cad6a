/** Unit tests (*.test.ts) run anywhere; integration and end-to-end tests need the real stack, resolved once in globalSetup. */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json', diagnostics: false }] };
// @custody/testing is test-only and never built: its TypeScript is loaded as it is (tsconfig.test.json maps the same paths)
const moduleNameMapper = { '^@custody/testing$': '<rootDir>/packages/testing/src/index.ts', '^@custody/testing/(.*)$': '<rootDir>/packages/testing/src/$1.ts' };
const common = {
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
/** End-to-end tests that start Custody in embedded mode only: none of them needs Kafka, S3 or OpenSearch. */
const embeddedE2e = [
  '/tests/e2e/cli.e2e.ts',
  '/tests/e2e/completeness-embedded.e2e.ts',
  '/tests/e2e/console-admin-embedded.e2e.ts',
  '/tests/e2e/console-compliance-embedded.e2e.ts',
  '/tests/e2e/console-embedded.e2e.ts',
  '/tests/e2e/console-legal-embedded.e2e.ts',
  '/tests/e2e/console-supervision-embedded.e2e.ts',
  '/tests/e2e/conversation-view-embedded.e2e.ts',
  '/tests/e2e/embedded-log-corruption.e2e.ts',
  '/tests/e2e/embedded-restart.e2e.ts',
  '/tests/e2e/exports-embedded.e2e.ts',
  '/tests/e2e/verification-embedded.e2e.ts',
  '/tests/e2e/verify-go.e2e.ts',
  '/tests/e2e/readme-quickstart.e2e.ts',
  '/tests/e2e/supervision-embedded.e2e.ts',
  '/tests/e2e/supervision-review-embedded.e2e.ts',
];

module.exports = {
  // real servers on a shared 2-core machine: generous per-test limit, never used as a performance assertion
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/packages/**/src/**/*.test.ts', '<rootDir>/services/**/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/packages/**/src/**/*.itest.ts', '<rootDir>/services/**/src/**/*.itest.ts', '<rootDir>/tests/e2e/**/*.e2e.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, ...embeddedE2e],
      globalSetup: '<rootDir>/packages/testing/src/global-setup.ts',
    },
    // Custody on its embedded default only (npm start, the CLI): no servers, so CI runs them on every Node line
    { ...common, displayName: 'embedded', testMatch: embeddedE2e.map((file) => `<rootDir>${file}`) },
    // kill -9 of Kafka, MinIO, OpenSearch and Custody: one file (its tests run in order) on servers it starts for itself
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/tests/faults/**/*.fault.ts'] },
  ],
};
