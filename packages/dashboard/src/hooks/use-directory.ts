import { useApi } from '../api/api-context.ts';
import type { Endpoint, Page, Source } from '../api/types.ts';
import { useLoad } from './use-load.ts';

/** Endpoints and sources by id, to show names instead of bare ids and to fill filter pickers. */
export interface Directory {
  endpoints: Endpoint[];
  sources: Source[];
  endpointLabel(id: string): string;
  sourceLabel(id: string | null): string;
}

/**
 * Loads the first 200 endpoints and sources once per page. Past that a picker shows what it has and a
 * bare id stands in for a name; filters still take any id.
 */
export function useDirectory(): Directory {
  const api = useApi();
  const endpoints = useLoad(() => api.get<Page<Endpoint>>('/v1/endpoints', { limit: 200 }), []);
  const sources = useLoad(() => api.get<Page<Source>>('/v1/sources', { limit: 200 }), []);
  const endpointList = endpoints.data?.data ?? [];
  const sourceList = sources.data?.data ?? [];
  return {
    endpoints: endpointList,
    sources: sourceList,
    endpointLabel: (id) => endpointList.find((endpoint) => endpoint.id === id)?.url ?? id,
    sourceLabel: (id) => (id === null ? 'API' : (sourceList.find((source) => source.id === id)?.name ?? id)),
  };
}
