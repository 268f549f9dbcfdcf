/**
 * Request ids and one log line per request, on the service's pino logger.
 *
 * Each request gets an id (a well-formed incoming `X-Request-Id`, else a new UUID), echoed in the
 * response and kept in the audit trail; `req.log` is a child logger carrying it, made only when a
 * handler really logs. When the response is out, one line: method, URL, status, time; at `info`
 * (`warn` for 4xx and for a request slower than `slowMs`, marked `slow: true`, with where its
 * time went: the `phases` the handler timed, shared/timings.ts; `error` for 5xx), with the ids a
 * handler named (`logFields`: the need it accepted, the round it started), so a grep of either
 * finds the request. Bodies and headers are never logged.
 *
 * Why not pino-http: it builds a child logger for every request, through the redaction paths,
 * whether or not anything is logged; measured on the intake bench that was ~10% of the API's CPU.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../shared/logger';
import { phasesMs, withPhases, type Phases } from '../shared/timings';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** This request's id (also the `X-Request-Id` response header). */
      id?: string;
      /** The service logger, bound to this request's id. */
      log?: Logger;
    }
  }
}

const REQ_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/** Ids (never details) the request's completion line should carry, e.g. `{ needId }`. */
export function logFields(res: Response, fields: Record<string, string>): void {
  res.locals.logFields = { ...(res.locals.logFields as Record<string, string> | undefined), ...fields };
}

export interface RequestLogOptions {
  /** Requests not logged on completion (e.g. health probes every few seconds). */
  ignore?: (url: string) => boolean;
  /**
   * A request that took at least this long is logged at `warn` (SLOW_REQUEST_MS), so a service run
   * at `LOG_LEVEL=warn` still says which requests waited, and when. Default: never.
   */
  slowMs?: number;
}

export function requestLog(logger: Logger, options: RequestLogOptions = {}): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQ_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, enumerable: false, get: () => (child ??= logger.child({ reqId: id })) });
    if (options.ignore?.(req.url)) return next();

    const started = performance.now();
    const phases: Phases = {};
    const { method, originalUrl: url } = req;
    const done = (): void => {
      res.off('finish', done);
      res.off('close', done);
      const status = res.statusCode;
      const responseTime = Math.round(performance.now() - started);
      const slow = responseTime >= (options.slowMs ?? Infinity);
      const level = !res.writableFinished ? 'warn' : status >= 500 ? 'error' : status >= 400 || slow ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const named = res.locals.logFields as Record<string, string> | undefined;
      const timedPhases = slow ? phasesMs(phases) : undefined;
      const fields = { reqId: id, ...named, req: { method, url }, res: { statusCode: status }, responseTime, ...(slow ? { slow: true } : {}), ...(timedPhases ? { phases: timedPhases } : {}) };
      logger[level](fields, res.writableFinished ? 'request completed' : 'request aborted');
    };
    res.on('finish', done);
    res.on('close', done);
    withPhases(phases, next);
  };
}
