/**
 * Refused inbound requests per source, kept in memory only: storing them would let a flood of bad
 * signatures write to disk. Per source, counts per refusal code per one-minute bucket (at most a day of
 * buckets, and only minutes that saw a refusal) plus a ring of the last 20 refusals; at most `maxSources`
 * sources, the one refused longest ago evicted first. The figures are this process's since it started.
 *
 * @example
 * const failures = createSourceFailures({ clock: Date.now });
 * failures.record('src_1', { code: 'invalid_signature', status: 401, clientIp: '203.0.113.9' });
 * failures.summary('src_1', Date.now() - 86_400_000); // { total: 1, reasons: { invalid_signature: 1 }, recent: [...] }
 */

/** How far back anything is kept: the longest window the API asks for. */
export const SOURCE_FAILURES_RETENTION_MS = 86_400_000;
const BUCKET_MS = 60_000;
const RECENT = 20;

export interface SourceRefusal {
  /** The error code answered (`invalid_signature`, `timestamp_out_of_window`, `rate_limited`…). */
  code: string;
  status: number;
  clientIp: string;
}

export interface RecordedRefusal extends SourceRefusal {
  at: number;
}

export interface SourceFailureSummary {
  total: number;
  reasons: Record<string, number>;
  /** Newest first, at most 20, only those at or after `since`. */
  recent: RecordedRefusal[];
}

export interface SourceFailures {
  record(sourceId: string, refusal: SourceRefusal): void;
  /** Refusals of one source since `since` (minute granularity: the minute holding `since` counts whole). */
  summary(sourceId: string, since: number): SourceFailureSummary;
  /** Every source with refusals since `since`, most refused first. */
  failingSources(since: number): ({ sourceId: string } & Omit<SourceFailureSummary, 'recent'>)[];
}

interface SourceEntry {
  /** Bucket start → code → count; insertion order is time order. */
  buckets: Map<number, Map<string, number>>;
  recent: RecordedRefusal[];
}

export function createSourceFailures(options: { clock: () => number; maxSources?: number }): SourceFailures {
  const { clock } = options;
  const maxSources = options.maxSources ?? 10_000;
  // Map order is the eviction order: a source is moved to the end each time it is refused.
  const entries = new Map<string, SourceEntry>();

  function prune(entry: SourceEntry, now: number): void {
    const oldest = now - SOURCE_FAILURES_RETENTION_MS - BUCKET_MS;
    for (const start of entry.buckets.keys()) {
      if (start > oldest) break;
      entry.buckets.delete(start);
    }
  }

  function count(entry: SourceEntry, since: number): { total: number; reasons: Record<string, number> } {
    prune(entry, clock());
    const from = Math.floor(since / BUCKET_MS) * BUCKET_MS;
    const reasons: Record<string, number> = {};
    let total = 0;
    for (const [start, codes] of entry.buckets) {
      if (start < from) continue;
      for (const [code, n] of codes) {
        reasons[code] = (reasons[code] ?? 0) + n;
        total += n;
      }
    }
    return { total, reasons };
  }

  return {
    record(sourceId, refusal) {
      const now = clock();
      let entry = entries.get(sourceId);
      if (entry === undefined) {
        entry = { buckets: new Map(), recent: [] };
        if (entries.size >= maxSources) {
          const evict = entries.keys().next().value;
          if (evict !== undefined) entries.delete(evict);
        }
      } else {
        entries.delete(sourceId);
      }
      entries.set(sourceId, entry);
      prune(entry, now);
      const start = Math.floor(now / BUCKET_MS) * BUCKET_MS;
      let codes = entry.buckets.get(start);
      if (codes === undefined) {
        codes = new Map();
        entry.buckets.set(start, codes);
      }
      codes.set(refusal.code, (codes.get(refusal.code) ?? 0) + 1);
      entry.recent.unshift({ at: now, ...refusal });
      if (entry.recent.length > RECENT) entry.recent.length = RECENT;
    },
    summary(sourceId, since) {
      const entry = entries.get(sourceId);
      if (entry === undefined) return { total: 0, reasons: {}, recent: [] };
      return { ...count(entry, since), recent: entry.recent.filter((r) => r.at >= since) };
    },
    failingSources(since) {
      const out: ({ sourceId: string } & Omit<SourceFailureSummary, 'recent'>)[] = [];
      for (const [sourceId, entry] of entries) {
        const counted = count(entry, since);
        if (counted.total > 0) out.push({ sourceId, ...counted });
      }
      return out.sort((a, b) => b.total - a.total || a.sourceId.localeCompare(b.sourceId));
    },
  };
}
