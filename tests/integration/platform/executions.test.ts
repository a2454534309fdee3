import { describe, expect, it } from 'vitest';
import { executionArnFor, executionHistory, startNamedExecution } from '../../../functions/shared/executions.ts';
import { executionEnded, useLocalStepFunctions } from '../../support/stepfunctions.ts';

// Starting an execution named after its subject must give the same execution however often it is
// repeated, also once it has ended (AWS then answers ExecutionAlreadyExists), on the real local endpoint.

// The import does not exist, so Validate fails and MarkFailed fails through its retries (2, 4 and 8 s)
// before the execution fails; waitScale 0.01 makes that 0.14 s, so the execution really has ended when
// it is started again (it used to be still running after a silent 10-s poll).
useLocalStepFunctions({ waitScale: 0.01 });

describe('executions named after their subject', () => {
  it('a repeat after the execution ended finds the same execution instead of failing', async () => {
    const name = `imp-${Date.now()}`;
    const first = await startNamedExecution('village-import', name, { importId: name });
    expect(first).toBe(executionArnFor('village-import', name));
    await executionEnded(first, { intervalMs: 50 });
    expect(await startNamedExecution('village-import', name, { importId: name })).toBe(first);
    const { events, truncated } = await executionHistory(first);
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(truncated).toBe(false);
    expect((await executionHistory(first, { maxEvents: 1 })).events.length).toBeGreaterThan(0);
  });
});
