import type { Scheme, SchemeName } from './scheme.ts';
import { basicScheme } from './schemes/basic.ts';
import { githubScheme } from './schemes/github.ts';
import { hmacScheme } from './schemes/hmac.ts';
import { noneScheme } from './schemes/none.ts';
import { shopifyScheme } from './schemes/shopify.ts';
import { slackScheme } from './schemes/slack.ts';
import { standardWebhooksScheme } from './schemes/standard-webhooks.ts';
import { stripeScheme } from './schemes/stripe.ts';
import { svixScheme } from './schemes/svix.ts';
import { tokenScheme } from './schemes/token.ts';
import { twilioScheme } from './schemes/twilio.ts';

/**
 * Every built-in scheme by name, each with the same `verify`, `sign` and `describe`.
 * @example
 * const result = await schemes[source.scheme].verify({ headers, body, url }, source.config);
 */
export const schemes: Readonly<Record<SchemeName, Scheme>> = {
  'standard-webhooks': standardWebhooksScheme,
  github: githubScheme,
  stripe: stripeScheme,
  shopify: shopifyScheme,
  slack: slackScheme,
  svix: svixScheme,
  twilio: twilioScheme,
  hmac: hmacScheme,
  token: tokenScheme,
  basic: basicScheme,
  none: noneScheme,
};

/** `true` when `name` is a built-in scheme (for validating stored configuration). */
export function isSchemeName(name: string): name is SchemeName {
  return Object.hasOwn(schemes, name);
}
