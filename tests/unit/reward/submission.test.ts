import { describe, expect, it } from 'vitest';
import { checkSubmission } from '../../../functions/programs/reward/use-cases.ts';
import type { ProgramRecord } from '../../../functions/programs/reward/store/program.ts';
import type { EnterpriseRecord } from '../../../functions/programs/reward/store/enterprise.ts';

// The application window is judged on the Beijing calendar, whatever the server's zone: a window
// that closes on 31 March closes at midnight in the county (16:00 UTC), not at 08:00 the next day.
const program = { jurisdiction: '120225', window: { opensOn: '2025-03-01', closesOn: '2025-03-31' } } as ProgramRecord;
const enterprise = { village: '120225100201' } as EnterpriseRecord;

describe('the application window, in Beijing time', () => {
  it('takes an application until 23:59:59 in Beijing on the closing day, and not after', () => {
    expect(() => checkSubmission(program, enterprise, new Date('2025-03-31T15:59:59Z'))).not.toThrow();
    expect(() => checkSubmission(program, enterprise, new Date('2025-03-31T16:00:00Z'))).toThrow(/applications are taken from 2025-03-01 to 2025-03-31/);
  });

  it('opens at midnight in Beijing on the opening day (16:00 UTC the day before)', () => {
    expect(() => checkSubmission(program, enterprise, new Date('2025-02-28T15:59:59Z'))).toThrow(/applications are taken/);
    expect(() => checkSubmission(program, enterprise, new Date('2025-02-28T16:00:00Z'))).not.toThrow();
  });

  it('refuses an enterprise outside the program’s jurisdiction, naming the program', () => {
    expect(() => checkSubmission(program, { village: '120223100201' } as EnterpriseRecord, new Date('2025-03-10T00:00:00Z'))).toThrow(/covers 120225, not village 120223100201/);
  });
});
