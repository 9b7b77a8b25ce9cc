// Three layers (architecture.md §7). @nestjs/* 12 and jose are ESM-only: swc transforms them so Jest's
// CommonJS runtime can load them; everything else in node_modules is left alone.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true }, module: { type: 'commonjs' } }];
const esmOnly = ['@nestjs', 'jose'];
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [
    `node_modules/(?!(\\.pnpm/(${esmOnly.map((p) => p.replace('/', '\\+')).join('|')})|${esmOnly.join('|')}))`,
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/test'],
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['**/*.int-spec.ts'], testTimeout: 30000 },
    { ...base, displayName: 'e2e', testMatch: ['**/*.e2e-spec.ts'], testTimeout: 60000 },
  ],
};
