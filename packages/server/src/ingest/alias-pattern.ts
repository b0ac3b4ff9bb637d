/** A source alias: one path segment (`/webhook`), so alias routes never shadow the API's longer paths. */
export const ALIAS_PATTERN = /^\/[A-Za-z0-9._~-]{1,64}$/;
