import type { ProgramModule } from './platform/module.ts';
import { registriesModule } from './platform/registries/module.ts';
import { paymentsModule } from './platform/payments/module.ts';
import { programs } from './programs/index.ts';

/** The platform's own modules (registries, payments) and every program: what the composition roots are built from. */
export const modules = [registriesModule, paymentsModule, ...programs] as const satisfies readonly ProgramModule[];
