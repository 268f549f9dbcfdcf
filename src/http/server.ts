/**
 * The HTTP server for the app, as production and tests serve it: Node's own parser errors (headers or
 * URL over the limit, a malformed request line) answered as problem documents too.
 */
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import { answerClientErrors } from './client-errors';

export function createAppServer(app: Express): Server {
  const server = createServer(app);
  answerClientErrors(server);
  return server;
}
