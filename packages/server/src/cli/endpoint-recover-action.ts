import { windowFlags } from './instant-flag.ts';
import type { ItemAction } from './resource-command.ts';

/**
 * `hookline endpoints recover ID --since T [--until T]`: POST /v1/endpoints/{id}/recover. The same call as
 * `hookline replay --endpoint ID --since T`, kept here too because an operator looks for it next to
 * `enable`.
 */
export const endpointRecoverAction: ItemAction = {
  name: 'recover',
  help: 'put its failed and exhausted deliveries created in [--since, --until) back in the queue',
  flags: {
    since: { help: 'required: RFC 3339 time (2026-11-20T00:00:00Z) or a duration ago (30m, 6h, 2d)' },
    until: { help: 'end of the window, exclusive, same forms (default: now)' },
  },
  async run({ client, id, itemPath, args, io }) {
    const { since, until } = windowFlags(args, Date.now(), 'hookline endpoints recover');
    const { body } = await client.request('POST', `${itemPath}/recover`, {
      since,
      ...(until === undefined ? {} : { until }),
    });
    const { recovered } = body as { recovered: number };
    if (args.flags.json) io.out(`${JSON.stringify(body, null, 2)}\n`);
    else
      io.out(
        `recovered ${recovered} ${recovered === 1 ? 'delivery' : 'deliveries'} of ${id}: back in the queue\n`,
      );
    return 0;
  },
};
