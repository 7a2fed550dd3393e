/*
 * Two projects: `unit` renders in-process and runs in seconds (`npm run test:unit`, for every
 * edit); `integration` starts processes: helm, the CLI binary, node scripts in a fake pod,
 * cdk8s import, git, openssl (`npm run test:integration`). `npm test` runs both.
 * A test file that starts a process belongs in INTEGRATION.
 */
const INTEGRATION = [
  '<rootDir>/test/chart/',
  '<rootDir>/test/cli/',
  '<rootDir>/test/imports.test.ts',
  '<rootDir>/test/package.test.ts',
  '<rootDir>/test/config/go-quote.test.ts',
  '<rootDir>/test/config/helm-yaml.test.ts',
  '<rootDir>/test/config/values-files.test.ts',
  '<rootDir>/test/fleet/parallel-render.test.ts',
  '<rootDir>/test/fleet/prestart.test.ts',
  '<rootDir>/test/render/go-yaml-reader.test.ts',
  '<rootDir>/test/token/in-cluster.test.ts',
  '<rootDir>/test/token/rendered-pod.test.ts',
  '<rootDir>/test/token/token-bootstrap-script.test.ts',
  '<rootDir>/test/token/token-chart.test.ts',
  '<rootDir>/test/perf/compile-cache.test.ts',
  '<rootDir>/test/backup/backup-restore-s3.test.ts',
];

/** Settings both projects share. */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type errors are caught once by `tsc` in pretest; ts-jest only transpiles (isolatedModules in
    // tsconfig.jest.json, where ts-jest 29.4 wants it).
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testPathIgnorePatterns: ['/node_modules/', ...INTEGRATION] },
    { ...common, displayName: 'integration', testMatch: INTEGRATION.map((p) => (p.endsWith('/') ? `${p}**/*.test.ts` : p)) },
  ],
};
