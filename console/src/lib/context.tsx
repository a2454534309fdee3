import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Auth } from '../auth/session';
import type { SessionUser } from '../auth/claims';
import type { RuntimeConfig } from '../config';

export interface ConsoleContext {
  readonly client: ApiClient;
  readonly user: SessionUser;
  readonly config: RuntimeConfig;
  readonly auth: Auth;
}

const Context = createContext<ConsoleContext | undefined>(undefined);
export const ConsoleProvider = Context.Provider;

export function useConsole(): ConsoleContext {
  const value = useContext(Context);
  if (!value) throw new Error('useConsole outside ConsoleProvider');
  return value;
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Loads with the API client; reloads when `deps` change or on `reload()`. */
export function useLoad<T>(load: (client: ApiClient) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const { client } = useConsole();
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load(client).then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error: unknown) => live && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [client, tick, ...deps]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
