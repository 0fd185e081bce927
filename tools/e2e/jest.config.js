/**
 * End-to-end tests: each runs the real nx CLI in a fresh copy of this
 * workspace, the way a user on a clean clone would.
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: 'nx-kubeflow-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 600_000,
};
