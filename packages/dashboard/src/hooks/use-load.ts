import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiRequestError } from '../api/api-client.ts';

export interface Loaded<T> {
  data: T | null;
  error: ApiRequestError | null;
  loading: boolean;
  /** Loads again (after an action changed what is shown). */
  reload(): void;
}

/** Runs `load` when `deps` change; keeps the last data while reloading so the page does not flicker. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiRequestError | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!current) return;
        setError(toApiError(failure));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, error, loading, reload };
}

export function toApiError(failure: unknown): ApiRequestError {
  if (failure instanceof ApiRequestError) return failure;
  return new ApiRequestError(0, 'client_error', failure instanceof Error ? failure.message : String(failure));
}
