import * as z from 'zod';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { ifAbsent, named, putItem, TransactionConditionFailed, writeTransaction } from '../../../platform/store/transact.ts';

/**
 * That a township's annual-report reminders of a year were started (by the daily scheduled start or
 * by hand): pk `SOCIAL_TOWNSHIP#<township>`, sk `REMINDERS#<year>`, written once (put if absent)
 * with its audit record, after the execution `<township>.<year>` was started or found. The daily
 * run reads these markers first (one batch read) and starts nothing for a township that has one;
 * the execution's name keeps a start that crashed before its marker from starting twice.
 */
export const reminderStartSchema = z.object({
  township: z.string(),
  year: z.number().int(),
  executionArn: z.string(),
  /** `schedule` for the daily run, else who started it. */
  startedBy: z.string(),
  startedAt: z.string(),
});
export type ReminderStartRecord = z.infer<typeof reminderStartSchema>;

export const reminderStarts = defineEntity({
  type: 'socialReminderStart',
  schema: reminderStartSchema,
  key: (p: { township: string; year: number }) => ({ pk: `SOCIAL_TOWNSHIP#${p.township}`, sk: `REMINDERS#${p.year}` }),
});

/** Which of these townships have their reminders of `year` recorded as started (batch reads of 100). */
export async function remindersStartedFor(townships: readonly string[], year: number): Promise<Set<string>> {
  if (townships.length === 0) return new Set();
  return new Set((await reminderStarts.getMany(townships.map((township) => ({ township, year })))).map((r) => r.township));
}

/** Record the start once; false when it was recorded before. */
export async function recordReminderStart(record: ReminderStartRecord, actor: Actor, now: Date): Promise<boolean> {
  try {
    await writeTransaction([
      named('reminders', putItem(reminderStarts.item(record), ifAbsent)),
      auditPut({ entityType: 'social-annual-reports', entityId: `${record.township}.${record.year}`, division: record.township, action: 'social-annual-report.reminders-start', actor, after: record, at: now }),
    ]);
    return true;
  } catch (err) {
    if (err instanceof TransactionConditionFailed) return false;
    throw err;
  }
}
