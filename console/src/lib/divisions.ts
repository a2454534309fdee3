import { must } from '../api/client';
import { useLoad } from './context';

/**
 * Names of the townships of the user's county, by code, for filters and summaries that the API
 * gives as codes. Unknown codes (another county, or before the list has loaded) show as themselves.
 */
export function useTownshipNames(division: string): (code: string) => string {
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
  return (code) => {
    const name = names.data?.get(code);
    return name ? `${name}（${code}）` : code;
  };
}
