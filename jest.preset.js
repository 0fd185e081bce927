const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // Results land in dist/test-results/<project>/ for the CI summary.
  reporters: ['default', require.resolve('./tools/ci/jest-results-reporter.js')],
};
