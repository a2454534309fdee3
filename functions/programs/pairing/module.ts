import type { ProgramModule } from '../../platform/module.ts';
import { pairingRoutes } from './routes/index.ts';

/**
 * 结对帮扶: assisting units paired with villages for a term. So far the registry of terms and
 * pairings (docs/pairing.md); the reporting periods, evaluation and ranking come later, with the
 * workflows they need.
 */
export const pairingModule = {
  name: 'pairing',
  title: '结对帮扶',
  routes: { basePath: '/pairing' as const, app: pairingRoutes },
  workflows: [],
  tasks: [],
  decisions: [],
} satisfies ProgramModule;
