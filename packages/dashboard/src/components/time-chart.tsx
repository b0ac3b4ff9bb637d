import { useId } from 'preact/hooks';

export interface ChartSeries {
  label: string;
  /** One value per bucket; null where there is nothing to show (no attempt, no latency). */
  values: (number | null)[];
  /** Colour role: matches the status colours of the rest of the UI. */
  tone: 'accent' | 'ok' | 'bad';
}

export interface TimeChartProps {
  title: string;
  /** One sentence with the figures that matter, read by screen readers as the chart's description. */
  description: string;
  kind: 'bars' | 'line';
  /** Bucket start times (ISO), one per value. */
  starts: string[];
  series: ChartSeries[];
  /** Formats a value for the axis and the figures table. */
  format: (value: number) => string;
  /** Fixed top of the scale (1 for a rate); else the largest value. */
  max?: number;
}

const WIDTH = 600;
const HEIGHT = 140;

/**
 * A small time chart drawn as inline SVG (no chart library, nothing fetched): bars for counts, lines for
 * rates and latencies. It scales to its container; the SVG has a title and a description, and every
 * figure is also in a table behind a disclosure, so the chart is never the only way to read the numbers.
 */
export function TimeChart({ title, description, kind, starts, series, format, max }: TimeChartProps) {
  const id = useId();
  const largest = Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const top = max ?? (largest === 0 ? 1 : largest);
  const n = Math.max(starts.length, 1);
  const step = WIDTH / n;
  const y = (value: number) => HEIGHT - (Math.min(value, top) / top) * HEIGHT;
  return (
    <figure class="chart">
      <figcaption class="chart-head">
        <span class="chart-title">{title}</span>
        <span class="chart-legend">
          {series.map((s) => (
            <span key={s.label} class={`chart-key chart-${s.tone}`}>
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <div class="chart-plot">
        <span class="chart-axis-top">{format(top)}</span>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-labelledby={`${id}-t ${id}-d`}
        >
          <title id={`${id}-t`}>{title}</title>
          <desc id={`${id}-d`}>{description}</desc>
          <line class="chart-grid" x1="0" x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} />
          <line class="chart-grid" x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
          {kind === 'bars'
            ? series.map((s, index) => {
                const width = (step * 0.8) / series.length;
                return s.values.map((value, i) =>
                  value === null || value === 0 ? null : (
                    <rect
                      key={`${s.label}-${starts[i]}`}
                      class={`chart-${s.tone}`}
                      x={i * step + step * 0.1 + index * width}
                      y={y(value)}
                      width={width}
                      height={HEIGHT - y(value)}
                    />
                  ),
                );
              })
            : series.map((s) => (
                <path key={s.label} class={`chart-line chart-${s.tone}`} d={linePath(s.values, step, y)} />
              ))}
        </svg>
        <span class="chart-axis-x">
          <span>{starts[0] === undefined ? '' : clock(starts[0])}</span>
          <span>now</span>
        </span>
      </div>
      <p class="visually-hidden">{description}</p>
      <details class="chart-figures">
        <summary>Figures</summary>
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{title}, per interval</caption>
            <thead>
              <tr>
                <th scope="col">From</th>
                {series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {starts.map((start, i) => (
                <tr key={start}>
                  <td data-label="From">{clock(start)}</td>
                  {series.map((s) => {
                    const value = s.values[i];
                    return (
                      <td key={s.label} data-label={s.label}>
                        {value === null || value === undefined ? '—' : format(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/**
 * The line through the non-null points, broken where a value is missing; a lone point becomes a zero-length
 * segment, which the round line cap draws as a dot.
 */
function linePath(values: (number | null)[], step: number, y: (value: number) => number): string {
  let d = '';
  let open = false;
  values.forEach((value, i) => {
    if (value === null) {
      open = false;
      return;
    }
    const x = i * step + step / 2;
    d += open ? ` L${x.toFixed(1)} ${y(value).toFixed(1)}` : ` M${x.toFixed(1)} ${y(value).toFixed(1)} l0 0`;
    open = true;
  });
  return d.trim();
}

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
