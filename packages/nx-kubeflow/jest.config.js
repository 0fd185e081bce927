/** @type {import('jest').Config} */
module.exports = {
  displayName: 'nx-kubeflow',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/files/'],
  coverageDirectory: '../../coverage/packages/nx-kubeflow',
};
