import type { ProgramModule } from './platform/module.ts';
import { registriesModule } from './platform/registries/module.ts';
import { programs } from './programs/index.ts';

/** The platform's own registries module and every program: what the composition roots are built from. */
export const modules = [registriesModule, ...programs] as const satisfies readonly ProgramModule[];
