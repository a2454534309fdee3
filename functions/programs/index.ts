import type { ProgramModule } from '../platform/module.ts';
import { rewardModule } from './reward/module.ts';
import { fundingModule } from './funding/module.ts';
import { pairingModule } from './pairing/module.ts';
import { socialModule } from './social/module.ts';

/**
 * Every program, in one list: adding a program is its folder and one line here. The API, the
 * decision routes and the inbox, the workflow registry, the CDK stack and the local host all read
 * this list (through functions/modules.ts), and nothing else names a program.
 */
export const programs = [rewardModule, fundingModule, pairingModule, socialModule] as const satisfies readonly ProgramModule[];
