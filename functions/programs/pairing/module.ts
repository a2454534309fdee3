import type { ProgramModule } from '../../platform/module.ts';
import { pairingRoutes } from './routes/index.ts';
// -- pairing reports: begin --
import { parsePeriodSubject } from './reporting.ts';
import { getTerm } from './store/term.ts';
import { periodPrepareTask } from './tasks/period-prepare.ts';
import { periodOpenPageTask } from './tasks/period-open-page.ts';
import { reportingNextTask } from './tasks/reporting-next.ts';
import { reportingRemindTask } from './tasks/reporting-remind.ts';
import { reportingSweepTask } from './tasks/reporting-sweep.ts';
// -- pairing reports: end --

/**
 * 结对帮扶: assisting units paired with villages for a term (docs/pairing.md): terms and pairings,
 * and the periodic reports with their period workflow (open in pages, remind, sweep, close).
 */
export const pairingModule = {
  name: 'pairing',
  title: '结对帮扶',
  routes: { basePath: '/pairing' as const, app: pairingRoutes },
  workflows: [
    // -- pairing reports: begin --
    {
      name: 'pairing-period',
      definitionFile: 'pairing-period.asl.json',
      description: 'A reporting period of a pairing term: open it for every pairing in pages, remind units that have not filed, mark what is missing at the due date as overdue, repeat overdue reminders until filed or closed',
      subjectDivision: async (executionName: string) => {
        const parts = parsePeriodSubject(executionName);
        return parts ? (await getTerm(parts.termId))?.division : undefined;
      },
    },
    // -- pairing reports: end --
  ],
  tasks: [
    // -- pairing reports: begin --
    periodPrepareTask,
    periodOpenPageTask,
    reportingNextTask,
    reportingRemindTask,
    reportingSweepTask,
    // -- pairing reports: end --
  ],
  decisions: [],
} satisfies ProgramModule;
