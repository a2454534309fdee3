import { describe, expect, it } from 'vitest';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '../../../functions/shared/clients.ts';
import { executionArnFor, executionHistory, startNamedExecution } from '../../../functions/shared/executions.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';

// Starting an execution named after its subject must give the same execution however often it is
// repeated, also once it has ended (AWS then answers ExecutionAlreadyExists), on the real local endpoint.

useLocalStepFunctions();

describe('executions named after their subject', () => {
  it('a repeat after the execution ended finds the same execution instead of failing', async () => {
    const name = `imp-${Date.now()}`;
    const first = await startNamedExecution('village-import', name, { importId: name });
    expect(first).toBe(executionArnFor('village-import', name));
    for (let i = 0; i < 200; i++) {
      const { status } = await sfn().send(new DescribeExecutionCommand({ executionArn: first }));
      if (status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await startNamedExecution('village-import', name, { importId: name })).toBe(first);
    const { events, truncated } = await executionHistory(first);
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(truncated).toBe(false);
    expect((await executionHistory(first, { maxEvents: 1 })).events.length).toBeGreaterThan(0);
  });
});
