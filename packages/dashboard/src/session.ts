/**
 * The API key lives in sessionStorage only: it survives a reload of the tab but not the closing of the
 * browser, and never reaches localStorage or a cookie (so no other tab or request carries it implicitly).
 */
const KEY = 'hookline.apiKey';

export function loadApiKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // Storage disabled (privacy mode): the key lives only in memory for this page.
  }
}

export function saveApiKey(apiKey: string): void {
  try {
    sessionStorage.setItem(KEY, apiKey);
  } catch {
    // See loadApiKey.
  }
}

export function clearApiKey(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // See loadApiKey.
  }
}
