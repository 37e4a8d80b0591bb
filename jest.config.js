/* Jest: unit specs beside the code, integration and end-to-end tests under test/. */
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  },
];
const moduleNameMapper = {
  '^@scm/test-kit$': '<rootDir>/test/kit',
  '^@scm/([a-z0-9-]+)$': '<rootDir>/libs/$1/src',
};
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  // Integration tests start processes and talk to real services; unit specs never come near this.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,fuzz,bench}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/kit/jest-global-setup.ts',
      setupFiles: ['<rootDir>/test/kit/setup-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/kit/cards-out.ts'],
      testTimeout: 120000,
    },
  ],
};
