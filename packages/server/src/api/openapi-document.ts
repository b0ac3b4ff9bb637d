import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createTestApp } from '../test-support/test-app.ts';

/** The committed OpenAPI document, checked for drift by `openapi-document.test.ts`. */
export const OPENAPI_URL = new URL('../../../../docs/openapi.json', import.meta.url);

/**
 * Renders the OpenAPI 3.1 document exactly as `GET /openapi.json` serves it, from the route schemas.
 * Regenerate the committed copy: `node packages/server/src/api/openapi-document.ts`.
 */
export async function renderOpenApi(): Promise<string> {
  const app = await createTestApp();
  try {
    await app.app.ready();
    return `${JSON.stringify(app.app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

if (import.meta.main) {
  const path = fileURLToPath(OPENAPI_URL);
  await writeFile(path, await renderOpenApi());
  process.stdout.write(`wrote ${path}\n`);
}
