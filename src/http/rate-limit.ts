/**
 * Rate limits shared by every API process through Redis (a per-process memory store would
 * multiply the limit by the number of processes).
 *
 * Login: per IP and per username, counting failed attempts only (a busy community office behind
 * one address logs in many times a day; guessing fails). FAILS CLOSED: with Redis down, login
 * answers 503. An open login limiter would let password guessing run unthrottled exactly when
 * someone manages to knock Redis over, and a short login outage costs little: existing sessions
 * keep working.
 *
 * Intake: per actor. FAILS OPEN: a Redis hiccup must not turn away a resident's medicine request
 * or a coordinator's door-to-door table; intake callers are authenticated and audited, so abuse
 * stays traceable, and PostgreSQL, not Redis, is what intake depends on.
 */
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, ipKeyGenerator, type Options } from 'express-rate-limit';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { GuardedRedisStore, type RedisCommandSender } from './rate-limit-store';

export interface RateLimitSettings {
  RATE_LIMIT_LOGIN_MAX: number;
  RATE_LIMIT_LOGIN_WINDOW_S: number;
  RATE_LIMIT_INTAKE_MAX: number;
  RATE_LIMIT_INTAKE_WINDOW_S: number;
}

export interface RateLimitDeps {
  /** Shared Redis; absent (some tests): a per-process memory store. */
  redis?: RedisCommandSender | undefined;
  config: RateLimitSettings;
  logger: Logger;
  /** Redis key prefix. Default `rl:<schema>:`, so test files (one schema each) don't share counters. */
  prefix?: string;
  database?: { schema: string };
  /** Deadline of one Redis command, in ms. Default 500. */
  redisTimeoutMs?: number;
}

const ipKey = (req: Request): string => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;

function usernameKey(req: Request): string {
  const body: unknown = req.body;
  const username = typeof body === 'object' && body !== null && 'username' in body ? body.username : undefined;
  return typeof username === 'string' ? `user:${username.trim().toLowerCase()}` : 'user:?';
}

function actorKey(req: Request, res: Response): string {
  const userId = res.locals.actor?.userId;
  return userId ? `actor:${userId}` : ipKey(req);
}

function limiter(deps: RateLimitDeps, name: string, options: Partial<Options>): RequestHandler {
  const prefix = `${deps.prefix ?? `rl:${deps.database?.schema ?? 'public'}:`}${name}:`;
  const logger = {
    error: (err: unknown, msg?: string) => deps.logger.error({ err }, msg ?? 'rate limiter error'),
    warn: (err: unknown, msg?: string) => deps.logger.warn({ err }, msg ?? 'rate limiter warning'),
  };
  return rateLimit({
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    logger,
    ...(deps.redis ? { store: new GuardedRedisStore(deps.redis, prefix, deps.redisTimeoutMs ?? 500) } : {}),
    handler: (_req, _res, next, opts) =>
      next(new AppError('rate_limited', `too many requests: at most ${String(opts.limit)} per ${opts.windowMs / 1000} s`)),
    ...options,
  });
}

/** Mount after the JSON body parser: the per-username key reads `req.body.username`. */
export function loginRateLimit(deps: RateLimitDeps): RequestHandler[] {
  const window = { windowMs: deps.config.RATE_LIMIT_LOGIN_WINDOW_S * 1000, limit: deps.config.RATE_LIMIT_LOGIN_MAX };
  return [
    limiter(deps, 'login-ip', { ...window, keyGenerator: ipKey, skipSuccessfulRequests: true, passOnStoreError: false }),
    limiter(deps, 'login-user', { ...window, keyGenerator: usernameKey, skipSuccessfulRequests: true, passOnStoreError: false }),
  ];
}

/**
 * Mount after `requireAuth`: failed password changes (a wrong current password) per account, as
 * many as failed logins. Someone holding a session must not guess the password behind it.
 */
export function passwordChangeRateLimit(deps: RateLimitDeps): RequestHandler[] {
  const window = { windowMs: deps.config.RATE_LIMIT_LOGIN_WINDOW_S * 1000, limit: deps.config.RATE_LIMIT_LOGIN_MAX };
  // Only a wrong current password counts (the route flags it): a new one the policy refuses is no guess.
  const guessed = (_req: Request, res: Response): boolean => res.locals.wrongPassword !== true;
  return [limiter(deps, 'password-change', { ...window, keyGenerator: actorKey, skipSuccessfulRequests: true, requestWasSuccessful: guessed, passOnStoreError: false })];
}

function phoneKey(req: Request): string {
  const body: unknown = req.body;
  const phone = typeof body === 'object' && body !== null && 'phone' in body ? body.phone : undefined;
  return typeof phone === 'string' ? `phone:${phone.replace(/\D/g, '')}` : 'phone:?';
}

/**
 * Resident sign-up (a phone, a code from the unit chief, a password): failed attempts per IP and
 * per phone, as many as failed logins, fail closed. A code is guessed only by failing, so this is
 * what keeps guessing hopeless. Mount after the JSON body parser.
 */
export function signupRateLimit(deps: RateLimitDeps): RequestHandler[] {
  const window = { windowMs: deps.config.RATE_LIMIT_LOGIN_WINDOW_S * 1000, limit: deps.config.RATE_LIMIT_LOGIN_MAX };
  return [
    limiter(deps, 'signup-ip', { ...window, keyGenerator: ipKey, skipSuccessfulRequests: true, passOnStoreError: false }),
    limiter(deps, 'signup-phone', { ...window, keyGenerator: phoneKey, skipSuccessfulRequests: true, passOnStoreError: false }),
  ];
}

/** Mount after `requireAuth`: the key is the actor. */
export function intakeRateLimit(deps: RateLimitDeps): RequestHandler {
  return limiter(deps, 'intake', {
    windowMs: deps.config.RATE_LIMIT_INTAKE_WINDOW_S * 1000,
    limit: deps.config.RATE_LIMIT_INTAKE_MAX,
    keyGenerator: actorKey,
    passOnStoreError: true,
  });
}
