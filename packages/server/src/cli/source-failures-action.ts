import type { ItemAction } from './resource-command.ts';
import { renderTable } from './table.ts';

interface SourceFailures {
  since: string;
  total: number;
  reasons: Record<string, number>;
  recent: { at: string; code: string; status: number; clientIp: string }[];
}

/** `hookline sources failures ID`: GET /v1/sources/{id}/failures, the latest refusals as a table. */
export const sourceFailuresAction: ItemAction = {
  name: 'failures',
  help: "requests it refused in the last 24 h: count by reason, the 20 latest (the answering process's)",
  async run({ client, id, itemPath, args, io }) {
    const { body } = await client.request('GET', `${itemPath}/failures`);
    if (args.flags.json) {
      io.out(`${JSON.stringify(body, null, 2)}\n`);
      return 0;
    }
    const failures = body as SourceFailures;
    if (failures.total === 0) {
      io.out(`no refused requests for ${id} since ${failures.since}\n`);
      return 0;
    }
    const reasons = Object.entries(failures.reasons)
      .sort(([, a], [, b]) => b - a)
      .map(([code, count]) => `${code} ${count}`)
      .join(', ');
    io.out(`${failures.total} refused since ${failures.since}: ${reasons}\n`);
    io.out(renderTable(['at', 'code', 'status', 'clientIp'], failures.recent));
    return 0;
  },
};
