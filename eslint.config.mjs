// ESLint (typescript-eslint, type-aware) for the suite, the scripts and the
// reference backend. The two halves may not import each other; both may import
// protocol/, which imports neither.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='setTimeout'][arguments.length=1]", message: 'a timer needs a delay' },
      ],
    },
  },
  {
    files: ['support/**/*.ts', 'step-definitions/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/reference-backend/**'], message: 'The suite is black-box: it reaches a backend only over HTTP and WebSocket.' }] }],
    },
  },
  {
    files: ['reference-backend/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/support/**', '**/step-definitions/**', '**/scripts/**'], message: 'The backend never imports the suite.' }] }],
    },
  },
  {
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/reference-backend/**', '**/support/**', '**/step-definitions/**', '**/scripts/**'], message: 'protocol/ is the contract as data: it imports neither the suite nor the backend.' }] }],
    },
  },
);
