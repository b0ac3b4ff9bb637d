// Node-free server rules, bundled by Vite, so the form refuses what the API refuses.
import { handshakeProblem, MAX_VERIFY_TOKEN } from '../../../server/src/ingest/source-rules.ts';
import type { Json, SourceHandshake } from '../api/types.ts';

export { MAX_VERIFY_TOKEN } from '../../../server/src/ingest/source-rules.ts';

/**
 * A source's provider handshake in the form: the choice, Meta's verify token, the hint per choice and
 * the checks the server makes on create and on the merged update (its rules in ingest/source-rules.ts,
 * applied by `checkHandshake` and `assertHandshakeFits` in ingest/source-input.ts). docs/receiving.md "Provider handshakes" is the reference.
 */

export type HandshakeChoice = 'none' | SourceHandshake['kind'];

export interface HandshakeInfo {
  kind: HandshakeChoice;
  label: string;
  /** What the provider sends, and what Hookline answers. */
  hint: string;
}

export const HANDSHAKE_CHOICES: readonly HandshakeInfo[] = [
  { kind: 'none', label: 'None', hint: 'No URL check is answered: a GET gets 405.' },
  {
    kind: 'meta',
    label: 'Meta',
    hint: 'Facebook, Instagram, WhatsApp, Messenger: GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…; the challenge is echoed when the verify token matches.',
  },
  {
    kind: 'x',
    label: 'X',
    hint: "X's CRC: GET ?crc_token=…, at registration and hourly; answered with its HMAC under the newest secret (the consumer secret).",
  },
  {
    kind: 'zoom',
    label: 'Zoom',
    hint: 'A signed POST of endpoint.url_validation with a plainToken; answered with its HMAC under the secret that verified it.',
  },
  {
    kind: 'microsoft-graph',
    label: 'Microsoft Graph',
    hint: 'POST ?validationToken=… with an empty body; the token is echoed.',
  },
  { kind: 'dropbox', label: 'Dropbox', hint: 'GET ?challenge=…; the challenge is echoed.' },
  {
    kind: 'okta',
    label: 'Okta',
    hint: 'GET with an X-Okta-Verification-Challenge header; answered {"verification": …}.',
  },
];

export function handshakeInfo(kind: string): HandshakeInfo | undefined {
  return HANDSHAKE_CHOICES.find((choice) => choice.kind === kind);
}

/** The form's fields for a saved handshake (none when the source has none, or a kind this UI lacks). */
export function handshakeFieldsOf(handshake: SourceHandshake | null | undefined): {
  handshake: HandshakeChoice;
  verifyToken: string;
} {
  const kind = handshakeInfo(handshake?.kind ?? 'none')?.kind ?? 'none';
  return { handshake: kind, verifyToken: handshake?.kind === 'meta' ? handshake.verifyToken : '' };
}

/** What the handshake fields would make the server refuse, on the field to fix. */
export function handshakeErrors(state: {
  handshake: string;
  verifyToken: string;
  scheme: string;
  requireJson: boolean;
}): { handshake?: string; verifyToken?: string } {
  const kind = state.handshake;
  if (handshakeInfo(kind) === undefined) return { handshake: 'Pick a handshake, or None.' };
  if (kind === 'meta' && (state.verifyToken.length < 1 || state.verifyToken.length > MAX_VERIFY_TOKEN)) {
    return {
      verifyToken: `Required for Meta: 1 to ${MAX_VERIFY_TOKEN} characters, as typed in Meta's webhook settings.`,
    };
  }
  const problem = handshakeProblem(kind, state);
  if (problem === 'needs_hmac') {
    return {
      handshake: `${handshakeInfo(kind)?.label} signs its answer with the source's secret: use the Generic HMAC header scheme.`,
    };
  }
  if (problem === 'needs_json') {
    return { handshake: 'X needs "Refuse bodies that are not JSON": its answer could sign any other body.' };
  }
  return {};
}

/** The API's `handshake`: null for none, so an edit that picks None clears it. */
export function handshakeBodyOf(state: { handshake: string; verifyToken: string }): Json {
  if (state.handshake === 'none') return null;
  if (state.handshake === 'meta') return { kind: 'meta', verifyToken: state.verifyToken };
  return { kind: state.handshake };
}
