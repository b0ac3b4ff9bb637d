import type { StatsWindow } from '../api/health-types.ts';

const WINDOWS: { value: StatsWindow; label: string }[] = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last day' },
];

/** The 1 h / 24 h switch of the health views: toggle buttons (aria-pressed), reachable by keyboard. */
export function WindowToggle({
  value,
  onChange,
}: {
  value: StatsWindow;
  onChange: (next: StatsWindow) => void;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of toggle buttons, not a form fieldset.
    <div class="toggle-group" role="group" aria-label="Time window">
      {WINDOWS.map((option) => (
        <button
          key={option.value}
          type="button"
          class="button button-small"
          aria-pressed={option.value === value}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

/** The window named by a route's `?window=`, 1 h by default. */
export function windowOf(query: URLSearchParams): StatsWindow {
  return query.get('window') === '24h' ? '24h' : '1h';
}
