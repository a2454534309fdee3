/**
 * Run `work` over `items` with at most `limit` calls in flight, and return the results in the
 * items' order. The one bounded worker pool of the codebase: batch writes, page writes and bulk
 * decisions all use it, so a limit means the same everywhere. A rejection stops taking new items and
 * is rethrown once the calls in flight have settled.
 */
export async function runBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]!, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
