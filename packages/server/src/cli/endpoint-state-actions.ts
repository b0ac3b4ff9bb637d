import { stringFlag } from './args.ts';
import { type ItemAction, printResource } from './resource-command.ts';

/** `hookline endpoints enable ID`: POST /v1/endpoints/{id}/enable, printed as `get` prints it. */
export const endpointEnableAction: ItemAction = {
  name: 'enable',
  help: 'resume sending and clear the failure clock; deliveries that failed meanwhile stay failed',
  async run({ client, itemPath, args, io }) {
    const { body } = await client.request('POST', `${itemPath}/enable`);
    printResource(io, args, body as Record<string, unknown>);
    return 0;
  },
};

/** `hookline endpoints disable ID [--reason R]`: POST /v1/endpoints/{id}/disable `{reason?}`. */
export const endpointDisableAction: ItemAction = {
  name: 'disable',
  help: 'stop sending; its deliveries wait until it is enabled again',
  flags: { reason: { help: 'why, shown as disabledReason (default "disabled by API")' } },
  async run({ client, itemPath, args, io }) {
    const reason = stringFlag(args, 'reason');
    const { body } = await client.request(
      'POST',
      `${itemPath}/disable`,
      reason === undefined ? undefined : { reason },
    );
    printResource(io, args, body as Record<string, unknown>);
    return 0;
  },
};
