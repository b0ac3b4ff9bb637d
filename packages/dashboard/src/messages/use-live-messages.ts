import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiRequestError, queryString } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import { readSse } from '../api/read-sse.ts';
import type { MessageSummary } from '../api/types.ts';

export type LiveState = 'off' | 'connecting' | 'live' | 'reconnecting';

/** How long to wait before reconnecting a dropped stream (the server's own `retry:` hint is 1 s). */
const RECONNECT_MS = 2000;

/**
 * Follows GET /v1/stream while `enabled`, calling `onMessage` for each new message. A dropped stream
 * reconnects with the last id it saw (Last-Event-ID), so nothing is missed or shown twice.
 */
export function useLiveMessages(options: {
  enabled: boolean;
  sourceId: string;
  eventType: string;
  /** Replay messages after this id first (the newest one the list already shows), so none falls in between. */
  resumeFrom: string | null;
  onMessage: (message: MessageSummary) => void;
}): LiveState {
  const api = useApi();
  const [state, setState] = useState<LiveState>('off');
  const onMessage = useRef(options.onMessage);
  onMessage.current = options.onMessage;
  const resumeFrom = useRef(options.resumeFrom);
  resumeFrom.current = options.resumeFrom;
  const { enabled, sourceId, eventType } = options;

  useEffect(() => {
    if (!enabled) {
      setState('off');
      return;
    }
    const abort = new AbortController();
    let lastEventId = resumeFrom.current;
    const path = `/v1/stream${queryString({ source: sourceId, events: eventType })}`;
    void (async () => {
      setState('connecting');
      while (!abort.signal.aborted) {
        try {
          const response = await api.stream(path, { signal: abort.signal, lastEventId });
          if (response.body === null) throw new Error('no stream body');
          setState('live');
          for await (const event of readSse(response.body)) {
            if (event.event === 'error') break;
            if (event.event !== 'message') continue;
            onMessage.current(JSON.parse(event.data) as MessageSummary);
            if (event.id !== null) lastEventId = event.id;
          }
        } catch (error) {
          if (abort.signal.aborted) return;
          // A refused key or filter will not get better by retrying.
          if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500) {
            setState('off');
            return;
          }
        }
        if (abort.signal.aborted) return;
        setState('reconnecting');
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    })();
    return () => abort.abort();
  }, [api, enabled, sourceId, eventType]);

  return state;
}
