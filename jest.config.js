/** Projects: unit/fixture tests, integration tests (CLI in a child process), AWS emulator tests, adversarial tests. */
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};
const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // ESM-only packages the tests load through swc: the oracle and middy.
  transformIgnorePatterns: ['/node_modules/(?!(@cloud-copilot|@middy)/)'],
};
export default {
  globalSetup: '<rootDir>/test/globalSetup.cjs',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/shared/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/aws/'],
    },
    // Against a real AWS API emulator (moto server from .venv, started per test file on a loopback port).
    { ...common, displayName: 'aws', testMatch: ['<rootDir>/test/integration/aws/**/*.test.ts'] },
    // Attacks an ordinary caller could make with real events: none may yield an unsafe patch, a crash or a blow-up.
    { ...common, displayName: 'adversarial', testMatch: ['<rootDir>/test/adversarial/**/*.test.ts'] },
  ],
};
