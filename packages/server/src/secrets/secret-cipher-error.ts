/** Stable codes for what can go wrong with secrets encryption (docs/security.md lists them). */
export type SecretCipherErrorCode =
  /** The key text is not 32 bytes of hex or base64. */
  | 'encryption_key_invalid'
  /** PostgreSQL (many processes) without HOOKLINE_ENCRYPTION_KEY: a generated local key would split the cluster. */
  | 'encryption_key_required'
  /** A stored secret was encrypted with a key this process does not have. */
  | 'encryption_key_unknown'
  /** A stored secret does not decrypt (tampered, truncated or moved to another row). */
  | 'secret_undecryptable';

/** Messages name settings and key ids, never a key or a secret. */
export class SecretCipherError extends Error {
  readonly code: SecretCipherErrorCode;
  constructor(code: SecretCipherErrorCode, message: string) {
    super(message);
    this.name = 'SecretCipherError';
    this.code = code;
  }
}
