import { parseArgs } from 'node:util';
import * as z from 'zod';
import { ensureJwtSecret, signToken } from './jwt.ts';
import { principalSchema, roleSchema } from '../functions/platform/principal.ts';
import { maxTokenLifetimeSeconds } from '../functions/api/auth.ts';

// `npm run token -- --role finance --division 120225 --sub f1 [--unit U1] [--position head]
// [--ttl 3600] [--data-dir .data | --secret <s>]`: prints one HS256 token signed with the local host's
// secret: the one in the data folder, or the one `--secret` gives (what `npm start -- --memory` prints
// when it runs with a secret of its own).
const usage =
  'usage: npm run token -- --role <admin|finance|township|village|unit|auditor>[,<role>…] --division <code> --sub <user id>\n' +
  '                        [--unit <unit id>] [--position <handler|bookkeeper|head|supervisor>] [--ttl <seconds>]\n' +
  '                        [--data-dir .data | --secret <the secret npm start printed>]';

const argsSchema = z.object({
  role: z.string().transform((s, ctx) => {
    const parsed = z.array(roleSchema).min(1).safeParse(s.split(',').map((r) => r.trim()).filter(Boolean));
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: `must be one or more of ${roleSchema.options.join(', ')} (comma-separated)` });
      return z.NEVER;
    }
    return parsed.data;
  }),
  division: principalSchema.shape.division,
  sub: principalSchema.shape.sub,
  unit: z.string().min(1).optional(),
  position: principalSchema.shape.position,
  ttl: z.coerce.number().int().min(1).max(maxTokenLifetimeSeconds, `must be at most ${maxTokenLifetimeSeconds} seconds: the API refuses longer-lived tokens`).default(3600),
  'data-dir': z.string().min(1).default('.data'),
  secret: z.string().min(32, 'must be the secret the local host printed (at least 32 characters)').optional(),
});
type TokenArgs = z.infer<typeof argsSchema>;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string' },
      division: { type: 'string' },
      sub: { type: 'string' },
      unit: { type: 'string' },
      position: { type: 'string' },
      ttl: { type: 'string' },
      'data-dir': { type: 'string' },
      secret: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  }));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

const parsed = argsSchema.safeParse(values);
if (!parsed.success) fail(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
const args: TokenArgs = parsed.data;
if (args.role.includes('unit') && !args.unit) fail('--unit: required for the unit role');
if (args.secret && values['data-dir'] !== undefined) fail('--secret and --data-dir: give one of them');

const secret = args.secret ?? ensureJwtSecret(args['data-dir']);
const token = await signToken(
  { sub: args.sub, roles: args.role, division: args.division, unitId: args.unit, position: args.position },
  secret,
  args.ttl,
);
process.stdout.write(`${token}\n`);
