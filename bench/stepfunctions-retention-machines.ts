/** The state machine bench/stepfunctions-retention*.ts fill a data folder with: one Pass state. */
export const RETENTION_REGION = 'cn-north-1';
export const RETENTION_PREFIX = `arn:aws:states:${RETENTION_REGION}:000000000000:stateMachine:retention-`;
export const RETENTION_MACHINES = [{ name: 'fill', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) }];
