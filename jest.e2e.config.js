/**
 * The real-systems suite (`npm run e2e`): one cluster (etcd, kube-apiserver, kube-controller-manager
 * and the three operators) started once in globalSetup and stopped by PID in globalTeardown, also
 * when a test fails. Scenario files share it and work in their own namespaces.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/e2e/harness/jest-global-setup.js',
  globalTeardown: '<rootDir>/test/e2e/harness/jest-global-teardown.js',
  // Operators reconcile asynchronously on a busy 2-core machine.
  testTimeout: 300000,
  // One worker: the scenarios wait on the same operators; parallel files only add CPU contention.
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/test/e2e/harness/summary-reporter.js'],
};
