/**
 * The app under test: the real `buildApp(deps)` once src/http/app.ts exists; until then a
 * minimal stand-in with the auth routes and a problem+json error handler.
 */
import express, { type Express, type ErrorRequestHandler } from 'express';
import type { AppDeps } from '../../src/http/deps';
import { authRoutes } from '../../src/http/routes/auth.routes';
import { isAppError } from '../../src/shared/errors';

type BuildApp = (deps: AppDeps) => Express | Promise<Express>;

async function realBuildApp(): Promise<BuildApp | undefined> {
  const path = '../../src/http/app';
  try {
    const mod = (await import(/* @vite-ignore */ path)) as { buildApp?: BuildApp };
    return mod.buildApp;
  } catch {
    return undefined;
  }
}

function standIn(deps: AppDeps): Express {
  const app = express();
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.use(express.json({ limit: deps.config.BODY_LIMIT_JSON_BYTES }));
  app.use(authRoutes(deps));
  const problems: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = isAppError(err) ? err.status : 500;
    res.status(status).type('application/problem+json').json({
      type: 'about:blank',
      title: isAppError(err) ? err.title : 'Internal error',
      status,
      detail: err instanceof Error ? err.message : String(err),
      ...(isAppError(err) ? { code: err.code, errors: err.errors } : {}),
    });
  };
  app.use(problems);
  return app;
}

export async function buildTestApp(deps: AppDeps): Promise<Express> {
  const build = await realBuildApp();
  return build ? build(deps) : standIn(deps);
}
