import { must } from '../api/client';
import { useLoad } from './context';

/**
 * Names of the townships of the user's county, by code, for filters and summaries that the API
 * gives as codes. Unknown codes (another county, or before the list has loaded) show as themselves.
 */
export function useTownshipNames(division: string): (code: string) => string {
  return useTownships(division).name;
}

/**
 * The townships a user may filter by (those of the county that lie in, or hold, the user's
 * jurisdiction: the API refuses a township outside it), and their names.
 */
export function useTownships(division: string): { readonly codes: readonly string[]; readonly name: (code: string) => string } {
  const county = division.slice(0, 6);
  const names = useLoad(async (c) => {
    const out = new Map<string, string>();
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = must(await c.GET('/divisions', { params: { query: { parent: county, limit: 100, ...(cursor ? { cursor } : {}) } } }));
      for (const d of page.items) out.set(d.code, d.name);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return out;
  }, [county]);
  const codes = [...(names.data?.keys() ?? [])].filter((c) => c.length === 9 && (c.startsWith(division) || division.startsWith(c))).sort();
  return {
    codes,
    name: (code) => {
      const name = names.data?.get(code);
      return name ? `${name}（${code}）` : code;
    },
  };
}
