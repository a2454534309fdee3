import * as z from 'zod';

/** A flag as cdk.json (a boolean) or the command line (a string) gives it. */
const booleanFlag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

/** Objects arrive from the command line as JSON text (`-c 'key={…}'`), from cdk.json as objects. */
function parseJsonString(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/** Where Vite writes the console's build, relative to the repository root. */
export const defaultConsoleDir = 'console/dist';

/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c key=value`). Values given on the
 * command line arrive as strings, hence the coercions.
 */
export const deployConfigSchema = z.object({
  stage: z.enum(['dev', 'prod']).default('dev'),
  /**
   * Default Singapore: enabled in every account and offering every service used. The China regions
   * (aws-cn) have no Cognito user pools; Hong Kong (ap-east-1) works once opted in. ARNs and URLs are
   * built partition-aware either way.
   */
  region: z.string().min(1).default('ap-southeast-1'),
  /** Unset: the account of the CLI's credentials (CDK_DEFAULT_ACCOUNT), or environment-agnostic. */
  account: z.string().regex(/^\d{12}$/).optional(),
  logRetentionDays: z.coerce.number().int().positive().default(30),
  /**
   * Prefix of the Cognito managed-login domain, `https://<prefix>.auth.<region>.amazoncognito.com`.
   * Prefixes are unique per region across all accounts, hence settable; unset: `village-flow-<stage>`.
   * Cognito refuses prefixes containing `aws`, `amazon` or `cognito`.
   */
  authDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens, at most 63')
    .refine((p) => !/aws|amazon|cognito/.test(p), 'must not contain aws, amazon or cognito')
    .optional(),
  /**
   * The console's build (`npm run build:console`), relative to the repository root or absolute.
   * Synthesis stops, naming the command, when it has no index.html (docs: README "Deploying the console").
   */
  consoleDir: z.string().min(1).default(defaultConsoleDir),
  /**
   * Also accept the Vite dev server (`npm run dev:console`, http://localhost:5173) as a sign-in
   * callback and a CORS origin, so a developer's console can use a deployed dev stack. Never in prod.
   */
  consoleDevelopment: booleanFlag.default(false),
  /**
   * Serve the console at your own domain: `{"domainName":"console.county.example.cn","certificateArn":"arn:aws:acm:us-east-1:…"}`
   * (CloudFront takes certificates from us-east-1 only). Without it the console is at the distribution's
   * `*.cloudfront.net` name, whose shared certificate CloudFront offers down to TLS 1.0.
   */
  consoleDomain: z
    .preprocess(
      parseJsonString,
      z
        .object({
          domainName: z.string().regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'must be a domain name'),
          certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/, 'must be an ACM certificate ARN in us-east-1'),
        })
        .strict(),
    )
    .optional(),
  /** Where alarm notifications go; unset means subscribe later (the topic exists either way). */
  alarmEmail: z.string().email().optional(),
  /** Require TOTP MFA for every user (recommended for prod once officials have authenticator apps). */
  requireMfa: booleanFlag.default(false),
  throttleRateLimit: z.coerce.number().int().positive().default(50),
  throttleBurstLimit: z.coerce.number().int().positive().default(100),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /**
   * Notifications by mail through SES (functions/platform/notifications/ses-sender.ts). Off by
   * default: then the stack has no table stream and no sender. In cdk.json an object, on the command
   * line JSON: `-c 'mail={"enabled":true,"from":"notifications@county.example.cn","toDomain":"county.example.cn"}'`.
   */
  mail: z
    .preprocess(
      parseJsonString,
      z
        .object({
          enabled: z
            .union([z.boolean(), z.enum(['true', 'false'])])
            .transform((v) => v === true || v === 'true')
            .default(false),
          /** The sender: an address of an identity verified in SES (the domain, or the address itself). */
          from: z.string().email().optional(),
          /** Recipients are `<role>.<division>@toDomain`, `division.<code>@toDomain`, `user.<sub>@toDomain`. */
          toDomain: z.string().regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'must be a domain name').optional(),
          /** Origin of the web console, put before the links in mails. */
          linkBase: z.string().url().optional(),
        })
        .strict()
        .refine((m) => !m.enabled || (m.from !== undefined && m.toDomain !== undefined), 'mail.enabled needs mail.from and mail.toDomain'),
    )
    .default({ enabled: false }),
});
export type DeployConfig = z.infer<typeof deployConfigSchema>;

/** Parse context values (a record of whatever the CDK node holds), naming every bad key. */
export function parseDeployConfig(context: Readonly<Record<string, unknown>>): DeployConfig {
  const parsed = deployConfigSchema.safeParse(context);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid CDK context: ${fields}`);
  }
  return parsed.data;
}

/** Name shared by every resource of one deployment: `village-flow-<stage>`. */
export function resourcePrefix(config: Pick<DeployConfig, 'stage'>): string {
  return `village-flow-${config.stage}`;
}
