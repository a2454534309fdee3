import * as z from 'zod';

/**
 * A decision kind is `<module>.<step>` (`reward.township-review`). The platform keeps no list of
 * them: each program's module declares its kinds, and the API dispatches answers by the prefix.
 */
export const decisionKindSchema = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, 'must be <module>.<step>');
export type DecisionKind = z.infer<typeof decisionKindSchema>;
