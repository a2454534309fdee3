import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context.ts';
import type { ProgramModule } from '../module.ts';
import { divisionRoutes } from './routes/divisions.ts';
import { villageRoutes } from './routes/villages.ts';
import { unitRoutes } from './routes/units.ts';
import { importRoutes } from './routes/imports.ts';
import { getImport } from './store/village-import.ts';
import { villageImportValidateTask } from './tasks/village-import-validate.ts';
import { villageImportWritePageTask } from './tasks/village-import-write-page.ts';
import { villageImportFinishTask } from './tasks/village-import-finish.ts';
import { villageImportMarkFailedTask } from './tasks/village-import-mark-failed.ts';

/**
 * The registries every program reads (divisions, villages, assisting units) and the village import.
 * Part of the platform, declared in the same shape as a program so that the composition roots treat
 * its routes, workflow and tasks like any module's. Its paths are absolute (it spans several roots).
 */
export const registriesModule = {
  name: 'registries',
  title: '基础名录',
  routes: { basePath: '/' as const, app: new OpenAPIHono<AppEnv>().route('/', divisionRoutes).route('/', villageRoutes).route('/', unitRoutes).route('/', importRoutes) },
  workflows: [
    {
      name: 'village-import',
      definitionFile: 'village-import.asl.json',
      description: 'Validate a village CSV and write its villages in pages, idempotently',
      // An import is scoped by the jurisdiction of whoever started it.
      subjectDivision: async (importId) => (await getImport(importId))?.actor.division,
    },
  ],
  tasks: [villageImportValidateTask, villageImportWritePageTask, villageImportFinishTask, villageImportMarkFailedTask],
  decisions: [],
} satisfies ProgramModule;
