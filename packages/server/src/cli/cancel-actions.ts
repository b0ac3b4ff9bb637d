import type { ItemAction } from './resource-command.ts';

const cancelHelp = (what: string) => `stop ${what} (an attempt already under way may still arrive)`;

/** `hookline messages cancel ID`: POST /v1/messages/{id}/cancel. */
export const messageCancelAction: ItemAction = {
  name: 'cancel',
  help: cancelHelp('its pending and retrying deliveries'),
  async run({ client, id, itemPath, args, io }) {
    const { body } = await client.request('POST', `${itemPath}/cancel`);
    const { cancelled } = body as { cancelled: number };
    if (args.flags.json) io.out(`${JSON.stringify(body, null, 2)}\n`);
    else io.out(`cancelled ${cancelled} ${cancelled === 1 ? 'delivery' : 'deliveries'} of ${id}\n`);
    return 0;
  },
};

/** `hookline deliveries cancel ID`: POST /v1/deliveries/{id}/cancel; 0 when it had already finished. */
export const deliveryCancelAction: ItemAction = {
  name: 'cancel',
  help: cancelHelp('it if it is pending or retrying'),
  async run({ client, id, itemPath, args, io }) {
    const { body } = await client.request('POST', `${itemPath}/cancel`);
    const { cancelled } = body as { cancelled: number };
    if (args.flags.json) io.out(`${JSON.stringify(body, null, 2)}\n`);
    else if (cancelled === 0) io.out(`${id} had already finished: nothing to cancel\n`);
    else io.out(`cancelled ${id}\n`);
    return 0;
  },
};
