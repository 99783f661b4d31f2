import nx from '@nx/eslint-plugin';

// Layer rules (ARCHITECTURE.md): the domain depends on nothing; libraries never on apps;
// test support only from tests. tools/eslint/module-boundaries.spec.ts proves these can fail.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '.nx', '.data', 'coverage'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', 'mongodb', 'mingo', 'bson', 'pino', 'prom-client', 'rxjs', 'node:*'],
            },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:lib'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:lib', 'type:testing'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:lib', 'type:testing'] },
            // The launcher, CLIs and benchmarks drive everything, test support included.
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:lib', 'type:testing'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Test doubles and fixtures are for tests: application and library code never import them.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    // The same test support tools/build/build.ts leaves out of the production build.
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.contract.ts', '**/contract/**', '**/testing/**', '**/test/**', '**/bench/**', 'libs/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@ordersource/testing/*'], message: 'test support is for tests only' }] }],
    },
  },
  {
    // Tests, their support folders and benchmarks may use the test doubles and fixtures
    // (libs/testing); the same layer rules hold otherwise.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.contract.ts', '**/contract/**/*.ts', '**/testing/**/*.ts', '**/test/**/*.ts', '**/bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:lib', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:lib', 'type:testing'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:lib', 'type:testing'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:lib', 'type:testing'] },
          ],
        },
      ],
    },
  },
];
