// Lint is deliberately narrow: the compiler enforces types; this bans what the compiler cannot see.
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const bannedTestModifiers = ['only', 'skip', 'todo', 'skipIf', 'runIf'].flatMap((modifier) =>
  ['it', 'test', 'describe', 'suite', 'bench'].map((fn) => ({
    selector: `MemberExpression[object.name='${fn}'][property.name='${modifier}']`,
    message: `${fn}.${modifier} is not allowed: every test must run on every CI run.`,
  })),
);

// ---- Boundaries between the folders of functions/ (docs: ARCHITECTURE.md, "Layout") ----

const root = dirname(fileURLToPath(import.meta.url));

/** Repository-relative path with forward slashes, or undefined outside the repository. */
function repoPath(absolute) {
  const path = relative(root, absolute);
  if (path.startsWith('..') || isAbsolute(path)) return undefined;
  return path.split(sep).join('/');
}

const under = (path, folder) => path.startsWith(`${folder}/`);
const programOf = (path) => /^functions\/programs\/([^/]+)\//.exec(path)?.[1];
const segments = (path) => path.split('/').slice(0, -1);
const isStore = (path) => segments(path).includes('store') || path.endsWith('/store.ts');
const isTask = (path) => segments(path).includes('tasks');
const isRoute = (path) => segments(path).includes('routes') || path.endsWith('/routes.ts');

/**
 * Each boundary: which files it binds (`from`), which imports it refuses for them (`crosses`, given
 * the importing file's path and the import: a repository path for a relative specifier, else the
 * package name) and what the message says. One table, so a boundary is stated once.
 */
const boundaries = [
  {
    name: 'platform/shared → programs, module list, API',
    from: (file) => under(file, 'functions/platform') || under(file, 'functions/shared'),
    crosses: (_file, target) => target.path !== undefined && (under(target.path, 'functions/programs') || target.path === 'functions/modules.ts' || under(target.path, 'functions/api')),
    why: 'the platform and functions/shared serve every program, so they never import a program, the module list (functions/modules.ts) or the API; move the code to the platform or have the program hand it in through its module',
  },
  {
    name: 'shared → platform',
    from: (file) => under(file, 'functions/shared'),
    crosses: (_file, target) => target.path !== undefined && under(target.path, 'functions/platform'),
    why: 'functions/shared (config, clients, logger, defineTask) sits below the platform and never imports it',
  },
  {
    name: 'program → another program, program list, API',
    from: (file) => programOf(file) !== undefined,
    crosses: (file, target) => {
      if (target.path === undefined) return false;
      const other = programOf(target.path);
      return (other !== undefined && other !== programOf(file)) || under(target.path, 'functions/api') || target.path === 'functions/modules.ts' || target.path === 'functions/programs/index.ts';
    },
    why: 'a program never imports another program, the program list or the API; what two programs share belongs in the platform',
  },
  {
    name: 'domain → I/O',
    from: (file) => segments(file).includes('domain'),
    crosses: (_file, target) =>
      target.path === undefined
        ? target.specifier.startsWith('@aws-sdk/')
        : isStore(target.path) || isTask(target.path) || isRoute(target.path) || under(target.path, 'functions/platform/http') || target.path === 'functions/shared/clients.ts',
    why: 'domain/ holds pure rules: no AWS SDK, store, task, route, HTTP layer or SDK client; the use case or task does the I/O and passes the data in',
  },
  {
    name: 'console → server code',
    from: (file) => under(file, 'console'),
    crosses: (_file, target) => target.path !== undefined && (under(target.path, 'functions') || under(target.path, 'local') || under(target.path, 'infra')),
    why: 'the console runs in the browser and knows the API only through its OpenAPI document (console/src/api/schema.d.ts, npm run console:client)',
  },
];

const boundaryRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Refuse imports across the boundaries between the platform, functions/shared, the programs and their domain/ folders' },
    schema: [],
    messages: { crossed: 'Boundary {{boundary}} crossed: {{file}} imports {{target}}. {{why}}.' },
  },
  create(context) {
    const file = repoPath(context.filename);
    const binding = file === undefined ? [] : boundaries.filter((b) => b.from(file));
    if (binding.length === 0) return {};
    const check = (source) => {
      if (!source || typeof source.value !== 'string') return;
      const specifier = source.value;
      // The code base names `.ts` files; a `.js` or extension-less specifier means the same file.
      const resolved = specifier.startsWith('.') ? repoPath(resolve(dirname(context.filename), specifier)) : undefined;
      const target = { specifier, path: resolved?.replace(/\.js$/, '.ts').replace(/(\/[^./]+)$/, '$1.ts') };
      for (const boundary of binding) {
        if (boundary.crosses(file, target)) {
          context.report({ node: source, messageId: 'crossed', data: { boundary: boundary.name, file, target: target.path ?? specifier, why: boundary.why } });
        }
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check(node.argument?.literal),
      TSExternalModuleReference: (node) => check(node.expression),
    };
  },
};

const boundaryPlugin = { rules: { imports: boundaryRule } };

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.data/**', 'coverage/**', 'console/dist/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin, boundaries: boundaryPlugin },
    rules: {
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-debugger': 'error',
      'boundaries/imports': 'error',
    },
  },
  {
    files: ['tests/**/*.ts', 'tests/**/*.tsx'],
    rules: {
      'no-restricted-syntax': ['error', ...bannedTestModifiers,
        { selector: "CallExpression[callee.name=/^(xit|xdescribe|fit|fdescribe)$/]", message: 'Focused or disabled tests are not allowed.' }],
    },
  },
);
