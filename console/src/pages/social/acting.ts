import { message } from 'antd';
import { useEffect, useState } from 'react';
import { must } from '../../api/client';
import type { Loaded } from '../../lib/context';
import { currentRoute } from '../../lib/router';

// What the social screens share: acting on a resource (经费, 公益创投, an organisation), payments
// answered 202, polling while a workflow pays, and the screen's query parameters.

/**
 * Runs the action, then says so and re-reads, or keeps the error; true when it succeeded (so a form
 * can close). `fail` shows an error found before anything is sent. A payment answered 202 (a
 * workflow) is followed by re-reading.
 */
export function useAct(reload: () => void) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const act = async (what: () => Promise<unknown>, done: string): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
      void message.success(done);
      reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, act, fail: setError };
}

/**
 * A POST that pays: today it answers 200 with the resource; when it becomes a workflow it answers
 * 202 with the execution. Either is success; the screen re-reads the resource for its progress.
 */
export async function paying(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<void> {
  const res = await call;
  if (res.response.status === 202) return;
  must(res);
}

/** Re-reads a resource every 2 s while `busy` says its payments are still under way. */
export function usePoll(loaded: Loaded<unknown>, busy: boolean): void {
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(loaded.reload, 2000);
    return () => clearInterval(timer);
  }, [busy, loaded.reload]);
}

/** The screen's query parameters (`?venture=…`, `?contract=…`, `?township=…`). */
export const query = () => new URLSearchParams(currentRoute().split('?')[1] ?? '');
