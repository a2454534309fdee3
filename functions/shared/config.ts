import * as z from 'zod';

/**
 * Runtime configuration, read once from the environment. Both hosts set the same variables:
 * the CDK stack through Lambda environment, the local host before it loads any handler.
 * Nothing in application code branches on which host it runs on; only endpoints differ.
 */
export const configSchema = z.object({
  TABLE_NAME: z.string().min(3),
  AWS_REGION: z.string().default('cn-north-1'),
  /** Set only on the local host (or in tests); unset means the regional AWS endpoint. */
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  SFN_ENDPOINT: z.string().url().optional(),
  /** Prefix of state machine ARNs; the workflow name is appended (`…:stateMachine:<prefix><name>`). */
  STATE_MACHINE_ARN_PREFIX: z.string().min(1),
  /** HS256 secret (local host). Either this or JWKS_URL must be set for the API. */
  JWT_SECRET: z.string().min(32).optional(),
  /** RS256 verification keys, as Cognito publishes them. */
  JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().optional(),
  /** App client ids accepted as a token's `aud`, comma-separated (on AWS: the CLI's and the web console's). */
  JWT_AUDIENCE: z.string().optional(),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
  /** Test switch, e.g. `reward-reserve:0.3,reward-disburse:0.3` (see functions/shared/faults.ts). Never set on AWS. */
  FAULT_INJECTION: z.string().optional(),
  /** A payment batch whose total is at or above this (fen) needs two finance approvers. Default 1,000,000 yuan. */
  PAYMENT_TWO_APPROVER_THRESHOLD_FEN: z.coerce.number().int().min(0).default(100_000_000),
  /** Extra payment file layouts (JSON array of templates, see functions/platform/payments/domain/templates.ts). */
  PAYMENT_FILE_TEMPLATES: z.string().optional(),
});
export type Config = z.infer<typeof configSchema>;

let cached: Config | undefined;

/** The validated configuration; throws naming every missing or malformed variable. */
export function config(): Config {
  if (cached) return cached;
  const parsed = configSchema.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  cached = parsed.data;
  return cached;
}

/** Forget the cached configuration (tests and the local host set the environment first). */
export function resetConfig(): void {
  cached = undefined;
}

/** ARN of a workflow's state machine on whichever host is configured. */
export function stateMachineArn(workflowName: string): string {
  return `${config().STATE_MACHINE_ARN_PREFIX}${workflowName}`;
}
