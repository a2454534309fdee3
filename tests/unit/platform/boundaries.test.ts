import { beforeAll, describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

// The boundary rule lives in eslint.config.js; linting snippets under realistic paths through the
// project's own configuration proves that `npx eslint .` still refuses them, so the rule cannot stop
// working (a renamed folder, a changed config block) without this failing.
const eslint = new ESLint({ cwd: fileURLToPath(new URL('../../../', import.meta.url)) });

async function boundaryMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages.filter((m) => m.ruleId === 'boundaries/imports').map((m) => m.message);
}

describe('lint refuses imports across boundaries, naming the boundary', () => {
  // The first lint loads the configuration, its plugins and the TypeScript parser: seconds on a busy
  // machine, which belong to no single case.
  beforeAll(async () => {
    await eslint.lintText('export {};\n', { filePath: 'functions/shared/warm-up.ts' });
  }, 120_000);

  it.each([
    ['functions/platform/decisions/routes.ts', "import { answerRewardDecision } from '../../programs/reward/use-cases.ts';", 'platform/shared → programs, module list, API', 'functions/programs/reward/use-cases.ts'],
    ['functions/platform/registries/module.ts', "import { modules } from '../../modules.ts';", 'platform/shared → programs, module list, API', 'functions/modules.ts'],
    ['functions/platform/registries/module.ts', "import { modules } from '../../modules.js';", 'platform/shared → programs, module list, API', 'functions/modules.ts'],
    ['functions/platform/http/context.ts', "import type { AppEnv } from '../../api/app.ts';", 'platform/shared → programs, module list, API', 'functions/api/app.ts'],
    ['functions/shared/task.ts', "import { rewardSteps } from '../programs/reward/steps.ts';", 'platform/shared → programs, module list, API', 'functions/programs/reward/steps.ts'],
    ['functions/shared/task.ts', "import { authorize } from '../platform/authz.ts';", 'shared → platform', 'functions/platform/authz.ts'],
    ['functions/programs/funding/use-cases.ts', "import { rewardSteps } from '../reward/steps.ts';", 'program → another program, program list, API', 'functions/programs/reward/steps.ts'],
    ['functions/programs/reward/routes/programs.ts', "export { verifyToken } from '../../../api/auth.ts';", 'program → another program, program list, API', 'functions/api/auth.ts'],
    ['functions/programs/reward/domain/budget.ts', "import { getProgram } from '../store/program.ts';", 'domain → I/O', 'functions/programs/reward/store/program.ts'],
    ['functions/programs/reward/domain/budget.ts', "import type { PendingDecision } from '../../../platform/decisions/store.ts';", 'domain → I/O', 'functions/platform/decisions/store.ts'],
    ['functions/programs/funding/domain/run.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", 'domain → I/O', '@aws-sdk/client-dynamodb'],
    ['functions/programs/funding/domain/run.ts', "export * from '../tasks/snapshot.ts';", 'domain → I/O', 'functions/programs/funding/tasks/snapshot.ts'],
    ['functions/platform/registries/domain/village.ts', "const routes = await import('../routes/villages.ts');", 'domain → I/O', 'functions/platform/registries/routes/villages.ts'],
    ['functions/platform/registries/domain/village.ts', "import { schemas } from '../../http/schemas.ts';", 'domain → I/O', 'functions/platform/http/schemas.ts'],
    ['functions/programs/reward/domain/compute.ts', "import { ddb } from '../../../shared/clients.ts';", 'domain → I/O', 'functions/shared/clients.ts'],
    ['functions/programs/reward/domain/state.ts', "export type Record = import('../store/application.ts').ApplicationRecord;", 'domain → I/O', 'functions/programs/reward/store/application.ts'],
    ['functions/programs/reward/module.ts', "import { programs } from '../index.ts';", 'program → another program, program list, API', 'functions/programs/index.ts'],
  ])('%s: %s', async (filePath, code, boundary, target) => {
    const messages = await boundaryMessages(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`Boundary ${boundary} crossed: ${filePath} imports ${target}.`);
  });

  it('allows imports along the layout: program → platform and shared, its own folders; domain → platform rules', async () => {
    const allowed: Array<[string, string]> = [
      [
        'functions/programs/funding/module.ts',
        [
          "import type { ProgramModule } from '../../platform/module.ts';",
          "import { ValidationError } from '../../shared/errors.ts';",
          "import { mustGetRun } from './store/run.ts';",
          "import { snapshotTask } from './tasks/snapshot.ts';",
        ].join('\n'),
      ],
      ['functions/programs/reward/domain/compute.ts', "import { applyRate } from '../../../platform/money.ts';\nimport { rateFor } from './policy.ts';\nimport * as z from 'zod';"],
      ['functions/platform/decisions/routes.ts', "import { authorize } from '../authz.ts';\nimport { runBounded } from '../../shared/pool.ts';"],
      ['functions/programs/index.ts', "import { rewardModule } from './reward/module.ts';\nimport { fundingModule } from './funding/module.ts';"],
      ['functions/modules.ts', "import { registriesModule } from './platform/registries/module.ts';\nimport { programs } from './programs/index.ts';"],
    ];
    for (const [filePath, code] of allowed) expect(await boundaryMessages(filePath, code), filePath).toEqual([]);
  });
});
