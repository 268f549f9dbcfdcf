/**
 * Every route the app serves, read from its Express router (not from a list kept by hand), so a
 * new route cannot escape the authorization matrix.
 */
import type { Express } from 'express';

export interface RouteInfo {
  method: string;
  path: string;
  params: string[];
}

interface LayerLike {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  rawPath?: unknown;
  slash?: boolean;
  name?: string;
}

export function listRoutes(app: Express): RouteInfo[] {
  const root = (app as unknown as { router?: { stack?: LayerLike[] } }).router?.stack;
  if (!root) throw new Error('cannot read the app router (express 5 `app.router.stack`)');
  const out: RouteInfo[] = [];
  const walk = (stack: LayerLike[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        const raw = layer.route.path;
        // A pattern route (the web app's page fallback) is let through only if no API path can reach it.
        if (raw instanceof RegExp && !raw.test('/api/x') && !raw.test('/api')) continue;
        if (typeof raw !== 'string') throw new Error(`route ${String(raw)} under ${prefix || '/'}: API routes need string paths, so the matrix can read them`);
        const path = prefix + layer.route.path;
        for (const method of Object.keys(layer.route.methods)) {
          if (method === '_all') continue;
          out.push({ method: method.toUpperCase(), path, params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string) });
        }
      } else if (layer.handle?.stack) {
        // A mounted router: its mount path is `rawPath` (router 2.x); '/' mounts add nothing.
        if (!layer.slash && typeof layer.rawPath !== 'string') throw new Error('mounted router without a readable path');
        walk(layer.handle.stack, prefix + (layer.slash ? '' : (layer.rawPath as string)));
      }
    }
  };
  walk(root, '');
  return out;
}
