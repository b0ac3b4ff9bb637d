import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The gateway serves dist/ at /ui (packages/server/src/ui/ui-routes.ts); the app talks to the API on the
// same origin. `npm run dev -w @hookline/dashboard` proxies the API to a gateway on :8080.
export default defineConfig({
  base: '/ui/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0 },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:8080', '/webhook': 'http://127.0.0.1:8080' },
  },
});
