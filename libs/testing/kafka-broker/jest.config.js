const preset = require('../../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'testing-kafka-broker',
  rootDir: __dirname,
  // Suites driving a second client (kcat) need it installed: only when CI asks for them.
  testMatch: [...preset.testMatch, ...(process.env.ORDERSOURCE_CLIENT_SUITES ? ['<rootDir>/**/*.client-spec.ts'] : [])],
};
