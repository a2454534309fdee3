import '../local/polyfills.ts';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { startStepFunctionsLocal } from '../local/stepfunctions/index.ts';
import { RETENTION_MACHINES, RETENTION_PREFIX, RETENTION_REGION } from './stepfunctions-retention-machines.ts';

// One start of the local Step Functions endpoint on a data folder (argv[2]), for
// bench/stepfunctions-retention.bench.ts: prints start-up time and RSS as one JSON line.
const dataDir = process.argv[2]!;
const started = performance.now();
const sf = await startStepFunctionsLocal({ port: 0, region: RETENTION_REGION, stateMachineArnPrefix: RETENTION_PREFIX, stateMachines: RETENTION_MACHINES, handlers: new Map(), dataDir });
const startupMs = performance.now() - started;
const sfn = new SFNClient({ endpoint: sf.endpoint, region: RETENTION_REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
// The oldest execution is still readable (from its own file, on demand).
const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${RETENTION_PREFIX}fill`, maxResults: 1 }));
const executionArn = listed.executions![0]!.executionArn!.replace(/fill-\d+$/, 'fill-0');
const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
if (d.status !== 'SUCCEEDED' || !h.events?.length) throw new Error(`fill-0 not readable: ${d.status}`);
const rssMb = process.memoryUsage().rss / 2 ** 20;
sfn.destroy();
await sf.stop();
console.log(JSON.stringify({ startupMs, rssMb }));
process.exit(0);
