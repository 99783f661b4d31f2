// Shared jest settings: @swc/jest compiles TypeScript with decorator metadata (NestJS DI needs
// it), and the tsconfig path aliases are mapped so suites import libraries as apps do.
const { compilerOptions } = require('./tsconfig.base.json');
const path = require('node:path');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace(/[/]/g, '\\/')}$`] = path.join(__dirname, target);
}

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': swc,
    // Swagger's /docs serves its UI through @fastify/static, which requires content-disposition
    // 3, an ES-only package: compiled to CommonJS so the real HTTP stack loads under jest.
    '/node_modules/content-disposition/.+\\.js$': swc,
    // The OTLP/HTTP exporter loads node:http with a dynamic import(), which jest's vm refuses
    // without --experimental-vm-modules: compiled to a require so the tracing suites export for real.
    '/node_modules/@opentelemetry/otlp-exporter-base/.+\\.js$': swc,
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/|@opentelemetry/otlp-exporter-base/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.int-spec.ts', '<rootDir>/**/*.e2e-spec.ts'],
  testTimeout: 60000,
};
