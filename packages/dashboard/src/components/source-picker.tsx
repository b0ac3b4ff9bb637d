import { useApi } from '../api/api-context.ts';
import type { Page, Source } from '../api/types.ts';
import { useLoad } from '../hooks/use-load.ts';
import { ErrorBanner } from './error-banner.tsx';

/**
 * The sources an endpoint takes messages from, as checkboxes (the first 200 sources). A picked id that
 * is not among them (a deleted source, or one past the first 200) stays listed by its id, so an edit
 * sends it back instead of silently widening the filter.
 */
export function SourcePicker({
  selected,
  onChange,
}: {
  selected: string[];
  onChange: (ids: string[]) => void;
}) {
  const api = useApi();
  const sources = useLoad(() => api.get<Page<Source>>('/v1/sources', { limit: 200 }), []);
  const listed = sources.data?.data ?? [];
  const unlisted = selected.filter((id) => !listed.some((source) => source.id === id));
  const toggle = (id: string, on: boolean) =>
    onChange(on ? [...selected, id] : selected.filter((picked) => picked !== id));
  const box = (id: string, label: string) => (
    <label class="field-check" key={id}>
      <input
        type="checkbox"
        checked={selected.includes(id)}
        onChange={(event) => toggle(id, (event.currentTarget as HTMLInputElement).checked)}
      />
      {label}
    </label>
  );
  return (
    <fieldset class="fieldset">
      <legend>Sources</legend>
      <p class="field-hint">
        Only messages received through the sources ticked (published ones are then left out). None ticked:
        every message.
      </p>
      <ErrorBanner error={sources.error} />
      {sources.data === null && sources.error === null ? <p class="muted">Loading sources…</p> : null}
      {sources.data !== null && listed.length === 0 && unlisted.length === 0 ? (
        <p class="muted">No sources yet.</p>
      ) : null}
      {listed.map((source) => box(source.id, source.name))}
      {unlisted.map((id) => box(id, `${id} (not found)`))}
    </fieldset>
  );
}
