/** Dates are shown on the Beijing calendar whatever the browser's time zone; the API stores UTC. */
const dateTime = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const dateOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

function parts(format: Intl.DateTimeFormat, iso: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(iso))) out[p.type] = p.value;
  return out;
}

/** "2026-12-01T16:30:00Z" → "2026-12-02 00:30" (Beijing). */
export function beijingDateTime(iso: string | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return iso ?? '';
  const p = parts(dateTime, iso);
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

/** The Beijing calendar day of an instant, YYYY-MM-DD. */
export function beijingDay(iso: string | Date): string {
  const p = parts(dateOnly, typeof iso === 'string' ? iso : iso.toISOString());
  return `${p.year}-${p.month}-${p.day}`;
}

export type DeadlineState = 'past' | 'near' | 'later' | 'none';

/** Past when the deadline has gone by, near within three days of now. */
export function deadlineState(deadline: string | undefined, now: Date = new Date()): DeadlineState {
  if (!deadline) return 'none';
  const ms = Date.parse(deadline) - now.getTime();
  if (Number.isNaN(ms)) return 'none';
  if (ms < 0) return 'past';
  return ms <= 3 * 86_400_000 ? 'near' : 'later';
}
