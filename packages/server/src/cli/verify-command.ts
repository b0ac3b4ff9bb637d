import { readFileSync } from 'node:fs';
import { schemes, type VerifyErrorCode } from '@hookline/webhooks';
import { parseCommandArgs, stringFlag } from './args.ts';
import { UsageError } from './cli-errors.ts';
import { paint } from './cli-io.ts';
import type { Command } from './command.ts';
import { parseHeaderLines, parseRawRequest, type SavedRequest } from './saved-request.ts';
import { SCHEME_FLAGS, schemeConfigFrom, schemeFrom } from './scheme-flags.ts';

/** What to check next for each failure code: the part "say exactly why it fails" adds to the message. */
const HINTS: Partial<Record<VerifyErrorCode, string>> = {
  missing_header: 'the request lacks the scheme’s signature header: is --scheme right?',
  malformed_header: 'the signature header is present but not in the scheme’s format: is --scheme right?',
  invalid_signature:
    'the secret or the bytes differ: check --secret, and that the body file is the exact bytes received (no re-serialised JSON, no added newline)',
  timestamp_too_old:
    'the request is older than the tolerance: a saved request needs --tolerance with its age in seconds',
  timestamp_in_future: 'the sender’s clock is ahead: widen --tolerance or fix the clock',
  invalid_secret:
    'the secret is not in the format the scheme expects (Standard Webhooks secrets start whsec_)',
  missing_url: 'this scheme signs the URL: pass --url with the full public URL the sender called',
};

/** `hookline verify`: check a saved request against a scheme and secret, and explain a failure. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Check a saved request against a scheme and secret, and say why it fails',
  help: `Usage: hookline verify --scheme S --secret X (--headers FILE --body FILE | < raw-request.txt)

Verifies a request you saved (headers and exact body bytes) with @hookline/webhooks, as a receiver would.
Either --headers (one "Name: value" per line, an optional request line first) and --body, or a whole raw
HTTP request on stdin (request line, headers, blank line, body). Exit 0 when valid, 1 with the reason when
not, 2 on usage errors.

Flags:
  --scheme S            standard-webhooks, stripe, github, shopify, slack, svix, twilio, hmac, token, basic, none
  --secret X            secret to verify with (repeatable: any may match)
  --signature-header H  header for the hmac and token schemes
  --tolerance SECONDS   accepted timestamp age (default 300; saved requests are often older)
  --url URL             full URL the sender called (Twilio signs it)
  --json                print the verification result as JSON

Examples:
  hookline verify --scheme stripe --secret whsec_… --headers headers.txt --body body.json --tolerance 86400
  hookline verify --scheme github --secret s3cret < request.http
`,
  async run(argv, io) {
    const args = parseCommandArgs(argv, {
      ...SCHEME_FLAGS,
      headers: { type: 'string' },
      body: { type: 'string' },
      url: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    if (!stringFlag(args, 'scheme')) throw new UsageError('--scheme is required');
    const schemeName = schemeFrom(args, 'none');
    const request = await readRequest(stringFlag(args, 'headers'), stringFlag(args, 'body'), io.stdin);
    const url = stringFlag(args, 'url');
    const result = await schemes[schemeName].verify(
      {
        headers: request.headers,
        body: new Uint8Array(request.body),
        method: 'POST',
        ...(url ? { url } : {}),
      },
      schemeConfigFrom(args, Date.now),
    );
    if (args.flags.json) {
      io.out(`${JSON.stringify(result.ok ? result : { ...result, hint: HINTS[result.code] ?? null })}\n`);
      return result.ok ? 0 : 1;
    }
    if (result.ok) {
      const details = [
        result.id ? `id ${result.id}` : null,
        result.timestamp !== undefined
          ? `signed at ${new Date(result.timestamp * 1000).toISOString()}`
          : null,
        result.secretIndex !== undefined ? `secret #${result.secretIndex + 1}` : null,
      ].filter(Boolean);
      io.out(
        `${paint(io, 'green', 'valid')}: ${schemeName} signature verified${details.length ? ` (${details.join(', ')})` : ''}\n`,
      );
      return 0;
    }
    io.out(`${paint(io, 'red', 'invalid')}: ${result.code}: ${result.message}\n`);
    const hint = HINTS[result.code];
    if (hint) io.out(`hint: ${hint}\n`);
    io.out(
      `body: ${request.body.length} bytes; headers: ${Object.keys(request.headers).join(', ') || 'none'}\n`,
    );
    return 1;
  },
};

async function readRequest(
  headersFile: string | undefined,
  bodyFile: string | undefined,
  stdin: () => Promise<Buffer>,
): Promise<SavedRequest> {
  if ((headersFile === undefined) !== (bodyFile === undefined)) {
    throw new UsageError('give both --headers and --body, or pipe the whole raw request on stdin');
  }
  if (headersFile !== undefined && bodyFile !== undefined) {
    return { headers: parseHeaderLines(readText(headersFile)).headers, body: readBytes(bodyFile) };
  }
  return parseRawRequest(await stdin());
}

function readText(path: string): string {
  return readBytes(path).toString('utf8');
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}
