import { STATUS_CODES } from 'node:http';
import { schemes } from '@hookline/webhooks';
import { request } from 'undici';
import { API_FLAGS, clientFromFlags, listAll } from './api-client.ts';
import { listFlag, parseCommandArgs, stringFlag } from './args.ts';
import { CliFailure, UsageError } from './cli-errors.ts';
import { type CliIo, paint } from './cli-io.ts';
import type { Command } from './command.ts';
import { readDataFlag } from './read-data.ts';
import { SCHEME_FLAGS, schemeConfigFrom, schemeFrom } from './scheme-flags.ts';

const DEFAULT_DATA = '{"type":"test.event","data":{"hello":"world"}}';

/** `hookline send` (alias `trigger`): one signed test webhook, request and response printed. */
export const sendCommand: Command = {
  name: 'send',
  aliases: ['trigger'],
  summary: 'Send a signed test webhook to a URL or a Hookline source',
  help: `Usage: hookline send <URL> | --source NAME [--scheme S --secret X] [--data JSON|@file] [--header 'K: V']

Sends one POST, signed with the scheme and secret given, and prints the request and the response.
With --source, the URL is that source's ingest URL on --server (looked up with --api-key) and the
scheme defaults to the source's. Without --scheme: standard-webhooks when a secret is given, else none.
Exits 1 when the response is not 2xx.

Flags:
  --scheme S            standard-webhooks, stripe, github, shopify, slack, svix, twilio, hmac, token, basic, none
  --secret X            signing secret (repeatable: signs with each where the scheme allows)
  --signature-header H  header for the hmac and token schemes
  --data D              body, inline or @file.json (default ${DEFAULT_DATA})
  --header 'K: V'       extra header (repeatable)
  --source NAME         send to this Hookline source (name or id) instead of a URL
  --server, --api-key   where --source is looked up
  --json                print one JSON object instead of text

Examples:
  hookline send http://127.0.0.1:3000/webhooks --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --data @event.json
  hookline send --source stripe --scheme stripe --secret whsec_test --data '{"id":"evt_1","type":"invoice.paid"}'
  hookline trigger http://127.0.0.1:8080/webhook --data '{"event":"user_signed_up","user":"john_doe"}'
`,
  async run(argv, io) {
    const args = parseCommandArgs(argv, {
      ...API_FLAGS,
      ...SCHEME_FLAGS,
      data: { type: 'string' },
      header: { type: 'string', multiple: true },
      source: { type: 'string' },
    });
    const [positionalUrl, extra] = args.positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const sourceName = stringFlag(args, 'source');
    if (!positionalUrl && !sourceName) throw new UsageError('give a URL or --source NAME');
    if (positionalUrl && sourceName) throw new UsageError('give a URL or --source, not both');
    let url = positionalUrl ?? '';
    let sourceScheme: string | undefined;
    if (sourceName) {
      const client = clientFromFlags(args.flags, io.env);
      const sources = (await listAll(client, '/v1/sources')) as {
        id: string;
        name: string;
        verification?: { scheme?: string };
        ingestPath: string;
      }[];
      const source = sources.find(
        (candidate) => candidate.name === sourceName || candidate.id === sourceName,
      );
      if (!source) {
        throw new CliFailure(
          'source_not_found',
          `no source named "${sourceName}" (see \`hookline sources list\`)`,
        );
      }
      url = `${client.server}${source.ingestPath}`;
      sourceScheme = source.verification?.scheme;
    }
    // `localhost:3000` parses as a URL with scheme "localhost:", so check the protocol too.
    if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
      throw new UsageError(`"${url}" is not an http(s) URL (include http:// or https://)`);
    }
    const body = readDataFlag(stringFlag(args, 'data') ?? DEFAULT_DATA);
    const hasSecret = listFlag(args, 'secret').length > 0;
    const fallback = (sourceScheme ?? (hasSecret ? 'standard-webhooks' : 'none')) as 'none';
    const schemeName = schemeFrom(args, fallback);
    const config = schemeConfigFrom(args, Date.now);
    let signed: Record<string, string>;
    try {
      signed = await schemes[schemeName].sign({ body, url }, config);
    } catch (error) {
      throw new UsageError(`cannot sign with ${schemeName}: ${(error as Error).message} (pass --secret)`);
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', ...signed };
    for (const header of listFlag(args, 'header')) {
      const colon = header.indexOf(':');
      if (colon <= 0) throw new UsageError(`--header must look like 'Name: value', got "${header}"`);
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    }
    const started = performance.now();
    // undici.request, not fetch: it sends exactly these headers (fetch adds its own) and any port.
    let response: { status: number; headers: Record<string, string | string[] | undefined>; text: string };
    try {
      const answer = await request(url, {
        method: 'POST',
        headers,
        body,
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      response = { status: answer.statusCode, headers: answer.headers, text: await answer.body.text() };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).message;
      throw new CliFailure('send_failed', `POST ${url} failed: ${code}`);
    }
    const responseBody = response.text;
    const durationMs = Math.round(performance.now() - started);
    const ok = response.status >= 200 && response.status < 300;
    if (args.flags.json) {
      io.out(
        `${JSON.stringify({
          request: { method: 'POST', url, scheme: schemeName, headers, body },
          response: {
            status: response.status,
            headers: response.headers,
            body: responseBody,
            durationMs,
          },
        })}\n`,
      );
    } else {
      printExchange(io, { url, schemeName, headers, body, response, responseBody, durationMs, ok });
    }
    return ok ? 0 : 1;
  },
};

function printExchange(
  io: CliIo,
  x: {
    url: string;
    schemeName: string;
    headers: Record<string, string>;
    body: string;
    response: { status: number; headers: Record<string, string | string[] | undefined> };
    responseBody: string;
    durationMs: number;
    ok: boolean;
  },
): void {
  io.out(`${paint(io, 'bold', `> POST ${x.url}`)}  ${paint(io, 'dim', `(scheme ${x.schemeName})`)}\n`);
  for (const [name, value] of Object.entries(x.headers)) io.out(`> ${name}: ${value}\n`);
  io.out(`>\n${x.body}\n\n`);
  const status = `< ${x.response.status} ${STATUS_CODES[x.response.status] ?? ''}`;
  io.out(`${paint(io, x.ok ? 'green' : 'red', status)}  ${paint(io, 'dim', `${x.durationMs} ms`)}\n`);
  for (const [name, value] of Object.entries(x.response.headers)) io.out(`< ${name}: ${value}\n`);
  io.out(`<\n${x.responseBody}\n`);
}
