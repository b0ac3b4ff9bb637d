// Writes dist/package.json (and copies the README) so that `npm publish packages/webhooks/dist` ships
// the built JavaScript and .d.ts files. The workspace's own package.json keeps `exports` on src/, which
// Node runs directly (type stripping) and which Node refuses to strip once inside node_modules.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
delete manifest.devDependencies;
delete manifest.scripts;
delete manifest.files;
manifest.exports = { '.': { types: './index.d.ts', default: './index.js' } };
manifest.types = './index.d.ts';
writeFileSync(join(root, 'dist', 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
copyFileSync(join(root, 'README.md'), join(root, 'dist', 'README.md'));
