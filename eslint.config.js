// Lint is deliberately narrow: the compiler enforces types; this bans what the compiler cannot see.
import tseslint from 'typescript-eslint';

const bannedTestModifiers = ['only', 'skip', 'todo', 'skipIf', 'runIf'].flatMap((modifier) =>
  ['it', 'test', 'describe', 'suite', 'bench'].map((fn) => ({
    selector: `MemberExpression[object.name='${fn}'][property.name='${modifier}']`,
    message: `${fn}.${modifier} is not allowed: every test must run on every CI run.`,
  })),
);

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.data/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-debugger': 'error',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...bannedTestModifiers,
        { selector: "CallExpression[callee.name=/^(xit|xdescribe|fit|fdescribe)$/]", message: 'Focused or disabled tests are not allowed.' }],
    },
  },
);
