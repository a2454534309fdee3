import { useEffect, useState } from 'react';

/**
 * The console's screens are addressed by the URL's hash (#/inbox, #/funding/runs/fr-…), so any path
 * under /console/ serves the same index.html and a reload keeps the screen.
 */
export function currentRoute(): string {
  const hash = location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/home';
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function navigate(path: string): void {
  location.hash = path;
}

/** The parameters of `pattern` (e.g. /funding/runs/:id) in `route`, or undefined when it does not match. */
export function match(pattern: string, route: string): Record<string, string> | undefined {
  const [path] = route.split('?');
  const want = pattern.split('/');
  const got = (path ?? '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return undefined;
  }
  return params;
}
