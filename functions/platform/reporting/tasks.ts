import * as z from 'zod';
import { defineTask, type TaskDefinition } from '../../shared/task.ts';
import { workflowActor } from '../decisions/store.ts';
import { outboxItems } from '../store/outbox.ts';
import { TransactionConditionFailed, writeTransaction } from '../store/transact.ts';
import { nextReportingEvent, reportingEventKinds, whoToRemind, type Obligation, type ReminderPolicy, type ReportingEvent, type ReportingEventKind } from './schedule.ts';

/**
 * The reminder and overdue machinery of periodic reports, one piece for every program that asks
 * for them (pairing progress reports first, social organisations' annual reports next). A program
 * describes its reporting subject (a period of a term …) through {@link ReportingProgram}; these
 * three task functions then run its reporting loop in its workflow:
 *
 *   Next → (done? end) → Wait until event.at → Remind | Sweep → Next …
 *
 * Every reminder is an outbox message keyed by obligation, kind and date, so a step run again (a
 * retry, a restart) never sends one twice; a filed obligation is never reminded.
 */
export interface ReportingSubject {
  readonly due: string;
  readonly policy: ReminderPolicy;
  /** Closed by the admin: the loop ends at its next step. */
  readonly closed: boolean;
  /** Division that owns the subject (the overdue summary goes to its admins). */
  readonly division: string;
}

export interface ReportingMessage {
  readonly subject: string;
  readonly text: string;
  readonly link?: string;
}

export interface ReportingProgram<O extends Obligation = Obligation> {
  /** The program's name: the tasks are `<name>-reporting-next|remind|sweep`, the outbox topics `<name>.report-*`. */
  readonly name: string;
  subject(subjectId: string): Promise<ReportingSubject | undefined>;
  obligations(subjectId: string): AsyncIterable<O>;
  /** Flag what is not filed as overdue (in the program's own counters); returns how many are overdue. */
  markOverdue(subjectId: string, at: Date): Promise<{ overdue: number }>;
  /** The message for one obligation (Chinese). */
  message(kind: ReportingEventKind, obligation: O, subject: ReportingSubject, event: { date: string }): ReportingMessage;
  /** The overdue summary, for whoever `summaryRecipient` names. */
  overdueSummary(subjectId: string, subject: ReportingSubject, overdue: number): ReportingMessage;
  /**
   * Who reads the overdue summary; default the county's admins (`role:admin@<county>`). A program
   * whose reports are chased below the county names its own (social: the township's staff).
   */
  summaryRecipient?(subject: ReportingSubject): string;
}

const nextInput = z.object({ subjectId: z.string().min(1), after: z.iso.datetime() });
const remindInput = z.object({ subjectId: z.string().min(1), kind: z.enum(reportingEventKinds), date: z.string(), at: z.iso.datetime() });
const sweepInput = z.object({ subjectId: z.string().min(1), date: z.string(), at: z.iso.datetime() });

export type NextOutput = { readonly done: true; readonly reason: 'closed' | 'missing-subject' | 'all-filed' | 'no-more-events' } | { readonly done: false; readonly event: ReportingEvent };

async function writeOnce(items: Parameters<typeof writeTransaction>[0]): Promise<boolean> {
  try {
    await writeTransaction(items);
    return true;
  } catch (err) {
    if (err instanceof TransactionConditionFailed) return false;
    throw err;
  }
}

/** The program's three reporting tasks; each `files` entry is the `import.meta.url` of the file exporting that task's `handler`. */
export function reportingTasks<O extends Obligation>(program: ReportingProgram<O>, files: { next: string; remind: string; sweep: string }) {
  const next = defineTask({
    id: `${program.name}-reporting-next`,
    file: files.next,
    input: nextInput,
    tableAccess: 'read',
    async run({ subjectId, after }): Promise<NextOutput> {
      const subject = await program.subject(subjectId);
      if (!subject) return { done: true, reason: 'missing-subject' };
      if (subject.closed) return { done: true, reason: 'closed' };
      const event = nextReportingEvent(subject.due, subject.policy, new Date(after));
      if (!event) return { done: true, reason: 'no-more-events' };
      // Once due, there is nothing left to wait for when everything is filed.
      if (event.kind === 'overdue-reminder') {
        let open = 0;
        for await (const o of program.obligations(subjectId)) if (!o.filed) open++;
        if (open === 0) return { done: true, reason: 'all-filed' };
      }
      return { done: false, event };
    },
  });
  const remind = defineTask({
    id: `${program.name}-reporting-remind`,
    file: files.remind,
    input: remindInput,
    tableAccess: 'readWrite',
    async run({ subjectId, kind, date, at }) {
      const subject = await program.subject(subjectId);
      if (!subject || subject.closed) return { closed: true, reminded: 0, sentBefore: 0, filed: 0 };
      const all: O[] = [];
      for await (const o of program.obligations(subjectId)) all.push(o);
      const messages = whoToRemind(all).map((o) => {
        const m = program.message(kind, o, subject, { date });
        return outboxItems({ recipient: o.recipient, topic: `${program.name}.report-${kind}`, key: `${o.id}#${date}`, division: o.division, subject: m.subject, text: m.text, ...(m.link ? { link: m.link } : {}), body: { obligationId: o.id, kind, date, due: subject.due } }, workflowActor, new Date(at));
      });
      let reminded = 0;
      let sentBefore = 0;
      // 25 messages (50 items) per transaction; a chunk that a run before this one wrote in part
      // (its conditions fail) is written message by message, each once.
      for (let i = 0; i < messages.length; i += 25) {
        const chunk = messages.slice(i, i + 25);
        if (await writeOnce(chunk.flat())) {
          reminded += chunk.length;
          continue;
        }
        for (const items of chunk) {
          if (await writeOnce(items)) reminded++;
          else sentBefore++;
        }
      }
      return { closed: false, reminded, sentBefore, filed: all.length - whoToRemind(all).length };
    },
  });
  const sweep = defineTask({
    id: `${program.name}-reporting-sweep`,
    file: files.sweep,
    input: sweepInput,
    tableAccess: 'readWrite',
    async run({ subjectId, date, at }) {
      const subject = await program.subject(subjectId);
      if (!subject || subject.closed) return { closed: true, overdue: 0 };
      const { overdue } = await program.markOverdue(subjectId, new Date(at));
      if (overdue > 0) {
        const m = program.overdueSummary(subjectId, subject, overdue);
        await writeOnce(
          outboxItems({ recipient: program.summaryRecipient?.(subject) ?? `role:admin@${subject.division.slice(0, 6)}`, topic: `${program.name}.report-overdue-summary`, key: `${subjectId}#${date}`, division: subject.division, subject: m.subject, text: m.text, ...(m.link ? { link: m.link } : {}), body: { subjectId, overdue, due: subject.due } }, workflowActor, new Date(at)),
        );
      }
      return { closed: false, overdue };
    },
  });
  return { next, remind, sweep } satisfies Record<string, TaskDefinition>;
}
