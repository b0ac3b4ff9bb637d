import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { CONFIG_KEYS, envName } from './config.ts';
import { CONFIG_DOC_URL, normaliseMarkdownTables, renderConfigDoc } from './config-doc.ts';

test('docs/config.md is generated from config.ts (regenerate: node packages/server/src/config-doc.ts)', async () => {
  const committed = await readFile(CONFIG_DOC_URL, 'utf8');
  assert.equal(normaliseMarkdownTables(committed), normaliseMarkdownTables(renderConfigDoc()));
});

test('the generated doc has a row for every option', () => {
  const doc = renderConfigDoc();
  for (const key of CONFIG_KEYS) assert.ok(doc.includes(`| \`${key}\` |`) && doc.includes(envName(key)), key);
});
