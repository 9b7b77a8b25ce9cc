// Three layers (architecture.md §7) and the fault suite. @nestjs/* 12 and jose are ESM-only: swc transforms them so Jest's
// CommonJS runtime can load them; everything else in node_modules is left alone.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true }, module: { type: 'commonjs' } }];
const esmOnly = ['@nestjs', 'jose', 'any-ascii'];
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
    // Fault suite (private NATS and Postgres it may kill): `pnpm test:faults` runs the full set,
    // `pnpm test` the reduced one (STAC_FAULT_SET=reduced).
    { ...base, displayName: 'faults', testMatch: ['**/*.fault-spec.ts'], testTimeout: 600000 },
  ],
};
