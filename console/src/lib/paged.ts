import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import { useConsole } from './context';

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string | undefined;
}

export interface Paged<T> {
  readonly items: readonly T[];
  readonly error: unknown;
  readonly loading: boolean;
  readonly hasMore: boolean;
  readonly more: () => void;
  readonly reload: () => void;
}

/** A cursor-paged list: the first page on load (and when `deps` change), the next on `more()`. */
export function usePaged<T>(load: (client: ApiClient, cursor: string | undefined) => Promise<Page<T>>, deps: readonly unknown[]): Paged<T> {
  const { client } = useConsole();
  const [items, setItems] = useState<readonly T[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);

  const fetchPage = (from: string | undefined, append: boolean, live: () => boolean) => {
    setLoading(true);
    load(client, from).then(
      (page) => {
        if (!live()) return;
        setItems((prev) => (append ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live()) return;
        setError(err);
        setLoading(false);
      },
    );
  };

  useEffect(() => {
    let live = true;
    fetchPage(undefined, false, () => live);
    return () => {
      live = false;
    };
  }, [client, tick, ...deps]);

  return {
    items,
    error,
    loading,
    hasMore: cursor !== undefined,
    more: () => fetchPage(cursor, true, () => true),
    reload: () => setTick((t) => t + 1),
  };
}
