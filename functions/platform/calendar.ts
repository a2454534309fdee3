/**
 * Calendar dates are judged in Beijing time (Asia/Shanghai, UTC+8 all year: China has no daylight
 * saving time since 1991), whatever the server's zone: a window that closes on 31 March closes at
 * midnight in the county, not at 08:00 the next morning as a UTC date would have it.
 */
const beijingOffsetMs = 8 * 3_600_000;

/** The calendar date (`YYYY-MM-DD`) in Beijing at `instant`. */
export function beijingDate(instant: Date): string {
  return new Date(instant.getTime() + beijingOffsetMs).toISOString().slice(0, 10);
}
