// ESLint 9 flat config. Kept fast: typescript-eslint's recommended rules without type information
// (`pnpm typecheck` covers types). The part that matters most is @nx/enforce-module-boundaries:
// apps never import apps, libraries never import apps or tools (architecture.md §1).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { createProjectGraphAsync } from 'nx/src/devkit-exports.js';
import tseslint from 'typescript-eslint';

// The boundary rule reads Nx's cached project graph and silently skips itself when there is none
// (a fresh clone, CI). Build or refresh it first; it is incremental, so this costs about a second.
// The daemon is left out so linting never leaves a background process behind.
process.env.NX_DAEMON ??= 'false';
await createProjectGraphAsync({ exitOnError: false });

const SERVICES = ['gateway', 'intake', 'risk-assessment', 'advocacy', 'mental-health', 'probation'];

const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.fault-spec.ts', '**/testing/**', 'test/**'];

/**
 * Layers, innermost first: domain (pure vocabulary) <- contracts (messages, operations) <- infrastructure
 * libraries (config, observability, persistence, messaging, auth, rpc) <- the service kernel (runtime)
 * <- apps and tools. A library depends only on its own layer or inner ones.
 */
function boundaries(tests) {
  const testing = tests ? ['layer:testing'] : [];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      // Apps reach other services only through libs/contracts: never another app, never a tool.
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
      { sourceTag: 'layer:domain', onlyDependOnLibsWithTags: ['layer:domain', ...testing] },
      { sourceTag: 'layer:contracts', onlyDependOnLibsWithTags: ['layer:domain', 'layer:contracts', ...testing] },
      { sourceTag: 'layer:infrastructure', onlyDependOnLibsWithTags: ['layer:domain', 'layer:contracts', 'layer:infrastructure', ...testing] },
      { sourceTag: 'layer:kernel', onlyDependOnLibsWithTags: ['layer:domain', 'layer:contracts', 'layer:infrastructure', 'layer:kernel', ...testing] },
      // Belt and braces for "apps never import apps": a service scope sees only shared code and itself.
      ...SERVICES.map((svc) => ({
        sourceTag: `scope:${svc}`,
        onlyDependOnLibsWithTags: ['scope:shared', `scope:${svc}`],
      })),
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    ],
  };
}

const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'URL',
    'fetch',
    'AbortSignal',
  ].map((g) => [g, 'readonly']),
);

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '.nx/**', '.stac/**', '**/*.d.ts'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Underscore marks a deliberately unused parameter or destructured rest sibling.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: nodeGlobals },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        ...nodeGlobals,
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
      },
    },
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(false)] },
  },
  {
    // Tests (and test harnesses) may use the testing library; production code never does.
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(true)] },
  },
  // Last, so formatting is Prettier's business alone.
  prettier,
);
