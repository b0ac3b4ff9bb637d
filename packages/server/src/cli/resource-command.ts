import { API_FLAGS, type ApiClient, clientFromFlags, listAll } from './api-client.ts';
import { type FlagSpecs, type ParsedArgs, parseCommandArgs, stringFlag } from './args.ts';
import { UsageError } from './cli-errors.ts';
import type { CliIo } from './cli-io.ts';
import type { Command } from './command.ts';
import { readJsonObject } from './read-data.ts';
import { renderFields, renderTable } from './table.ts';

/** `revoke` is `delete` under the name the resource uses (API keys), answering with the API's JSON. */
type Action = 'list' | 'create' | 'get' | 'update' | 'delete' | 'revoke';

/** A verb beyond CRUD on one item, such as `sources rotate-token ID`. */
export interface ItemAction {
  name: string;
  /** One line for --help. */
  help: string;
  /** Flags of this action only; any other action refuses them. */
  flags?: Record<string, { help: string }>;
  run(context: ItemActionContext): Promise<number>;
}

export interface ItemActionContext {
  client: ApiClient;
  id: string;
  /** `/v1/<resource>/<id>`, id encoded. */
  itemPath: string;
  args: ParsedArgs;
  io: CliIo;
}

/** How one management resource maps onto `hookline <name> <action>`. */
export interface ResourceSpec {
  name: string;
  aliases?: readonly string[];
  /** API path, e.g. `/v1/endpoints`. */
  path: string;
  /** What the resource is, for help text. */
  noun: string;
  /** What a person should know beyond the flags, printed under the usage line. */
  notes?: string;
  actions: readonly Action[];
  /** Older verbs kept so scripts that use them still work, each with the verb that replaced it. */
  legacyActions?: Partial<Record<Action, Action>>;
  itemActions?: readonly ItemAction[];
  columns: readonly string[];
  /** Convenience flags for create/update, each mapped into the JSON body (`--data` is merged under them). */
  fields: Record<string, { body: string; list?: boolean; help: string }>;
  examples: string;
}

/** Builds the `list|create|get|update|delete` command of one resource, plus its item actions. */
export function resourceCommand(spec: ResourceSpec): Command {
  const itemActions = spec.itemActions ?? [];
  const verbs = [...spec.actions, ...itemActions.map((action) => action.name)];
  const legacy = Object.entries(spec.legacyActions ?? {});
  const accepted = [...verbs, ...legacy.map(([verb]) => verb)];
  const fieldFlags: FlagSpecs = {};
  for (const flag of Object.keys(spec.fields)) fieldFlags[flag] = { type: 'string' };
  const actionFlags: FlagSpecs = {};
  for (const action of itemActions) {
    for (const flag of Object.keys(action.flags ?? {})) actionFlags[flag] = { type: 'string' };
  }
  const fieldHelp = Object.entries(spec.fields)
    .map(([flag, field]) => `  --${flag.padEnd(15)} ${field.help}`)
    .join('\n');
  const takesBody = spec.actions.includes('create') || spec.actions.includes('update');
  const bodyHelp = takesBody
    ? `  --data JSON       request body for create/update, inline or @file.json\n${fieldHelp}\n`
    : '';
  const actionHelp = itemActions
    .map((action) => {
      const flags = Object.entries(action.flags ?? {}).map(
        ([flag, { help }]) => `\n    --${flag.padEnd(13)} ${help}`,
      );
      return `  ${`${action.name} ID`.padEnd(17)} ${action.help}${flags.join('')}`;
    })
    .join('\n');
  const help = `Usage: hookline ${spec.name} <${verbs.join('|')}> [ID] [flags]

Manages ${spec.noun} through the API (${spec.path}).${spec.notes ? `\n${spec.notes}` : ''}${legacy
    .map(([verb, now]) => `\n\`${verb}\` is the older name of \`${now}\` and still works.`)
    .join('')}

Flags:
  --server URL      Hookline server (default http://127.0.0.1:8080, or HOOKLINE_SERVER)
  --api-key KEY     API key (or HOOKLINE_API_KEY)
  --json            print the API's JSON instead of a table
${bodyHelp}${actionHelp ? `\nActions on one item:\n${actionHelp}\n` : ''}
Examples:
${spec.examples}
`;
  return {
    name: spec.name,
    ...(spec.aliases ? { aliases: spec.aliases } : {}),
    summary: `${verbs.join(', ')}: ${spec.noun}`,
    help,
    async run(argv, io) {
      const args = parseCommandArgs(argv, {
        ...API_FLAGS,
        data: { type: 'string' },
        ...fieldFlags,
        ...actionFlags,
      });
      const [action, id, extra] = args.positionals;
      if (!action) throw new UsageError(`missing action: hookline ${spec.name} <${verbs.join('|')}>`);
      if (!accepted.includes(action)) {
        throw new UsageError(`unknown action "${action}" for ${spec.name}: use ${verbs.join(', ')}`);
      }
      const itemAction = itemActions.find((candidate) => candidate.name === action);
      const needsId = itemAction !== undefined || !['list', 'create'].includes(action);
      if (needsId && !id) throw new UsageError(`hookline ${spec.name} ${action} needs an id`);
      const extraArg = needsId ? extra : id;
      if (extraArg !== undefined) throw new UsageError(`unexpected argument "${extraArg}"`);
      refuseForeignFlags(args, action, flagsOf(action, itemAction, fieldFlags));
      const client = clientFromFlags(args.flags, io.env);
      const itemPath = `${spec.path}/${encodeURIComponent(id ?? '')}`;
      if (itemAction) return itemAction.run({ client, id: id as string, itemPath, args, io });
      switch (action as Action) {
        case 'list': {
          const items = await listAll(client, spec.path);
          printList(io, args, spec, items as Record<string, unknown>[]);
          return 0;
        }
        case 'get': {
          const { body } = await client.request('GET', itemPath);
          printResource(io, args, body as Record<string, unknown>);
          return 0;
        }
        case 'create': {
          const { body } = await client.request('POST', spec.path, bodyFrom(args, spec));
          printResource(io, args, body as Record<string, unknown>);
          return 0;
        }
        case 'update': {
          const { body } = await client.request('PATCH', itemPath, bodyFrom(args, spec));
          printResource(io, args, body as Record<string, unknown>);
          return 0;
        }
        case 'delete': {
          await client.request('DELETE', itemPath);
          if (args.flags.json) io.out(`${JSON.stringify({ deleted: id })}\n`);
          else io.out(`deleted ${id}\n`);
          return 0;
        }
        case 'revoke': {
          const { body } = await client.request('DELETE', itemPath);
          if (args.flags.json) io.out(`${JSON.stringify(body, null, 2)}\n`);
          else io.out(`revoked ${id}\n`);
          return 0;
        }
      }
    },
  };
}

/** The flags one action takes besides the API flags. */
function flagsOf(action: string, itemAction: ItemAction | undefined, fieldFlags: FlagSpecs): string[] {
  if (itemAction) return Object.keys(itemAction.flags ?? {});
  if (action === 'create' || action === 'update') return ['data', ...Object.keys(fieldFlags)];
  return [];
}

/** A flag meant for another action would otherwise be dropped silently (`sources update --grace 1h`). */
function refuseForeignFlags(args: ParsedArgs, action: string, own: readonly string[]): void {
  for (const [flag, value] of Object.entries(args.flags)) {
    if (value === undefined || flag === 'help' || flag in API_FLAGS || own.includes(flag)) continue;
    throw new UsageError(`--${flag} does not apply to ${action}`);
  }
}

function bodyFrom(args: ParsedArgs, spec: ResourceSpec): Record<string, unknown> {
  const data = stringFlag(args, 'data');
  const body = data ? readJsonObject(data) : {};
  for (const [flag, field] of Object.entries(spec.fields)) {
    const value = stringFlag(args, flag);
    if (value === undefined) continue;
    setPath(body, field.body, field.list ? value.split(',').map((part) => part.trim()) : value);
  }
  if (Object.keys(body).length === 0) throw new UsageError('nothing to send: give --data or field flags');
  return body;
}

/** Sets `a.b` inside nested objects, so `--scheme` can fill `verification.scheme`. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  const last = parts.pop() as string;
  let node = target;
  for (const part of parts) {
    const next = node[part];
    node[part] = next !== null && typeof next === 'object' ? next : {};
    node = node[part] as Record<string, unknown>;
  }
  node[last] = value;
}

function printList(io: CliIo, args: ParsedArgs, spec: ResourceSpec, items: Record<string, unknown>[]): void {
  if (args.flags.json) io.out(`${JSON.stringify(items, null, 2)}\n`);
  else io.out(renderTable(spec.columns, items));
}

/**
 * One resource as `get` prints it: the API's JSON with `--json`, else every field (including the secret or
 * key a create returns only once).
 */
export function printResource(io: CliIo, args: ParsedArgs, resource: Record<string, unknown>): void {
  if (args.flags.json) io.out(`${JSON.stringify(resource, null, 2)}\n`);
  else io.out(renderFields(resource));
}
