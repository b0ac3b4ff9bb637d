import { useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Delivery } from '../api/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { toApiError } from '../hooks/use-load.ts';
import { navigate } from '../router.ts';

/**
 * Jump to a message by id. A delivery id (`dlv_…`, as found in a log line or a receiver's request)
 * jumps to its message too.
 */
export function IdSearch() {
  const api = useApi();
  const [id, setId] = useState('');
  const [error, setError] = useState<ApiRequestError | null>(null);
  const go = async (event: Event) => {
    event.preventDefault();
    const wanted = id.trim();
    if (wanted === '') return;
    setError(null);
    try {
      if (wanted.startsWith('dlv_')) {
        const delivery = await api.get<Delivery>(`/v1/deliveries/${encodeURIComponent(wanted)}`);
        navigate(`/messages/${delivery.messageId}`);
      } else {
        navigate(`/messages/${wanted}`);
      }
    } catch (failure) {
      setError(toApiError(failure));
    }
  };
  return (
    <search class="id-search">
      <form onSubmit={go}>
        <label for="id-search">Find by id</label>
        <div class="actions">
          <input
            id="id-search"
            value={id}
            placeholder="msg_… or dlv_…"
            spellcheck={false}
            onInput={(event) => setId((event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="button">
            Open
          </button>
        </div>
        <ErrorBanner error={error} />
      </form>
    </search>
  );
}
