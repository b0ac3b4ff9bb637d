import { UsageError } from './cli-errors.ts';

/** A request as saved by a person: its headers and exact body bytes. */
export interface SavedRequest {
  headers: Record<string, string>;
  body: Buffer;
  /** From a request line `POST /path HTTP/1.1` and a Host header, when present. */
  path?: string;
}

const REQUEST_LINE = /^[A-Z]+ (\S+) HTTP\/\d(\.\d)?$/;

/** Parses `Name: value` lines (an optional request line first, as curl -v or a proxy dump shows it). */
export function parseHeaderLines(text: string): { headers: Record<string, string>; path?: string } {
  const headers: Record<string, string> = {};
  let path: string | undefined;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/^[<>] ?/, '').trimEnd();
    if (line === '') continue;
    const requestLine = REQUEST_LINE.exec(line);
    if (index === 0 && requestLine) {
      path = requestLine[1];
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`line ${index + 1} of the headers is not "Name: value": ${line}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return path === undefined ? { headers } : { headers, path };
}

/** Splits a raw HTTP request (request line, headers, blank line, body) saved to a file or piped in. */
export function parseRawRequest(raw: Buffer): SavedRequest {
  let split = raw.indexOf('\r\n\r\n');
  let separatorLength = 4;
  if (split === -1) {
    split = raw.indexOf('\n\n');
    separatorLength = 2;
  }
  if (split === -1) {
    throw new UsageError('the request on stdin has no blank line between headers and body');
  }
  const head = parseHeaderLines(raw.subarray(0, split).toString('utf8'));
  return { ...head, body: raw.subarray(split + separatorLength) };
}
