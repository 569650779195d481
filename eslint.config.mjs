// ESLint flat config. The rule that matters most: src/core never imports the editor API,
// so that everything under it runs (and is unit-tested) in plain Node.
import tseslint from 'typescript-eslint';

/**
 * An exception to max-lines-per-function must say why: `// eslint-disable-next-line
 * max-lines-per-function -- <why>`. (The maintained rule for this is eslint-comments'
 * require-description; this is the same check for the one rule, without a dependency.)
 */
const exceptionSaysWhy = {
  meta: { type: 'problem', schema: [], messages: { why: 'Say why this function must be longer than 80 lines: `-- <why>` after the rule name.' } },
  create(context) {
    return {
      Program() {
        for (const c of context.sourceCode.getAllComments()) {
          const m = /^\s*eslint-disable(?:-next-line|-line)?\s+(.*)$/s.exec(c.value);
          if (!m || !/\bmax-lines-per-function\b/.test(m[1].split(/\s--\s/)[0])) continue;
          if (!/\s--\s*\S/.test(m[1])) context.report({ loc: c.loc, messageId: 'why' });
        }
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test-results/**', '**/*.d.ts', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // Type-aware rules where they catch real mistakes: a forgotten promise, a promise where a
    // callback's result is ignored, an await on something that is not a promise.
    files: ['src/**/*.ts'],
    ignores: ['**/*.lint-probe.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      curly: ['error', 'multi-line'],
    },
  },
  {
    // No function in src/ longer than 80 lines (issue 13). Blank lines and comments count: the
    // limit is what a reader scrolls through, and a comment that explains a long function should
    // not buy it more room. IIFEs count as functions. A function that must be longer says why in
    // `// eslint-disable-next-line max-lines-per-function -- <why>`; an exception that no longer
    // applies is an error too.
    files: ['src/**/*.ts'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'rds-link': { rules: { 'exception-says-why': exceptionSaysWhy } } },
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
      'rds-link/exception-says-why': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not depend on the editor API; put editor code in the VS Code layer.' }],
        patterns: [{ group: ['**/commands/**', '**/tree/**', '**/codeActions/**', '**/ui/**', '**/extension'], message: 'src/core must not import the VS Code layer.' }],
      }],
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']",
        message: 'src/core must not depend on the editor API.',
      }],
    },
  },
);
