/**
 * Serves the built web app (dist/web, made by `npm run build:web`, which `npm start` runs first)
 * and the little configuration it reads at start (`/api/web-config`: the map tile URL, if any).
 * Any other GET outside /api, /health and /socket.io gets index.html, so deep links work.
 * Without a build the API runs as before (tests, API-only deployments).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Config } from '../../config/config';

const DEFAULT_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

export function webRoutes(config: Pick<Config, 'TILE_URL'>, dir: string = DEFAULT_DIR): Router {
  const router = Router();
  router.get('/api/web-config', (_req, res) => {
    res.json({ tileUrl: config.TILE_URL ?? null });
  });
  const index = `${dir}/index.html`;
  if (!existsSync(index)) return router;
  // Hashed asset names: cache for a year; index.html is always revalidated.
  router.use('/assets', express.static(`${dir}/assets`, { immutable: true, maxAge: '365d', fallthrough: false }));
  router.use(express.static(dir, { index: false, maxAge: 0 }));
  router.get(/^\/(?!api\/|api$|health|socket\.io).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
