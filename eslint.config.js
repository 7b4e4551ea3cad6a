// Typed lint rules over every TypeScript source, tests included (one program: tsconfig.eslint.json).
// The rule set is small on purpose: each rule here catches a real class of defect in this code base
// (a promise nobody awaits loses errors and ordering; a misused promise runs a side effect unawaited).
const tseslint = require('typescript-eslint');

const rules = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
  '@typescript-eslint/await-thenable': 'error',
  '@typescript-eslint/no-unnecessary-type-assertion': 'error',
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
  '@typescript-eslint/no-explicit-any': 'error',
  '@typescript-eslint/no-unused-expressions': 'error',
  '@typescript-eslint/only-throw-error': 'error',
  '@typescript-eslint/require-await': 'off',
  'no-debugger': 'error',
  eqeqeq: ['error', 'always', { null: 'ignore' }],
};

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: __dirname } },
    rules,
  },
  {
    // the web console's React components: the same rules, over the console's own program (DOM, JSX; see its tsconfig)
    files: ['packages/console/src/**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { project: './packages/console/tsconfig.json', tsconfigRootDir: __dirname } },
    rules,
  },
  {
    // tests read loosely typed API answers; the assertions check their shape
    files: ['**/*.test.ts', '**/*.itest.ts', '**/*.e2e.ts', '**/*.fault.ts', 'tests/**/*.ts', 'packages/testing/src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
