/**
 * Builds the web app into dist/web, which the API server serves (src/http/web.ts).
 * JSX goes through Vite's own transformer (oxc) with Preact's automatic runtime: no plugin needed.
 * `npx vite --config src/web/vite.config.ts` serves it in development, proxying the API on :3000.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.CORDON_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': api, '/socket.io': { target: api, ws: true } } },
});
