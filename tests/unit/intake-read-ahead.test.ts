/**
 * A need's submission reads its household beside the session's look-up, not after it (issue #21),
 * and nothing read goes out to a caller the session check refuses. The route runs here with an
 * `authenticated` step we control; the household loader records what it is asked.
 */
import express, { type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/http/problem';
import { needsRoutes } from '../../src/http/routes/needs.routes';
import type { Household } from '../../src/domain/household';
import type { CancelDeps } from '../../src/services/needs/needs-read.service';
import { AppError } from '../../src/shared/errors';
import { createLogger } from '../../src/shared/logger';
import { systemClock } from '../../src/shared/clock';
import type { Db } from '../../src/store/db';

const HOUSEHOLD = '0b4f6c1e-7d1a-4c51-9a53-2f7b0d9e6a11';
const open: { close(): void }[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

/** Waits until `ready()` holds, at most `ms`; says whether it did. */
async function eventually(ready: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!ready() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  return ready();
}

async function serve(authenticated: RequestHandler, load: (id: string) => Promise<Household | undefined>) {
  const asked: string[] = [];
  const svc = {
    db: {} as Db, clock: systemClock, audit: undefined, foodCycleDays: 3,
    households: { load: (id: string) => (asked.push(id), load(id)) },
    groupCommit: { insert: async () => true },
  } satisfies CancelDeps;
  const app = express();
  app.use(express.json());
  app.use(needsRoutes(svc, authenticated, (_req, _res, next) => next()));
  app.use(errorHandler(createLogger({ level: 'silent' })));
  const server = app.listen(0, '127.0.0.1');
  open.push(server);
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ kind: 'gas', details: { cylinders: 1 } }) });
  return { asked, post };
}

const household = { id: HOUSEHOLD, corridorId: 'c', communityId: 'm', address: 'Flat 1, Secret Lane' } as unknown as Household;
const refuse = (): never => {
  throw new AppError('unauthenticated', 'a valid bearer token or session cookie is required');
};

describe('a need submission reads its household ahead of the session check', () => {
  it('asks for the household while the session is still being looked up, and answers a refused session 401 with nothing read', async () => {
    let askedDuringAuth = false;
    const { asked, post } = await serve(async () => {
      askedDuringAuth = await eventually(() => asked.length > 0);
      refuse();
    }, async () => household);
    const res = await post(`/api/households/${HOUSEHOLD}/needs`, { authorization: 'Bearer some-token' });
    expect(askedDuringAuth).toBe(true);
    expect(asked).toEqual([HOUSEHOLD]);
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).not.toContain('Secret Lane');
  });

  it("uses the read once the session is the household's chief's, and refuses another corridor's chief 403", async () => {
    const as = (corridorIds: string[]): RequestHandler => (_req, res, next) => {
      res.locals.actor = { userId: 'u', role: 'coordinator', sessionId: 's', corridorIds, communityIds: [] };
      next();
    };
    const mine = await serve(as(['c']), async () => household);
    const res = await mine.post(`/api/households/${HOUSEHOLD}/needs`, { authorization: 'Bearer some-token' });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { need: { householdId: string } }).need.householdId).toBe(HOUSEHOLD);
    expect(mine.asked).toEqual([HOUSEHOLD]);

    const other = await serve(as(['elsewhere']), async () => household);
    const refused = await other.post(`/api/households/${HOUSEHOLD}/needs`, { authorization: 'Bearer some-token' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('Secret Lane');
  });

  it('reads nothing for a request without a credential or with a malformed household id', async () => {
    const { asked, post } = await serve(async () => refuse(), async () => household);
    expect((await post(`/api/households/${HOUSEHOLD}/needs`)).status).toBe(401);
    expect((await post('/api/households/not-a-uuid/needs', { authorization: 'Bearer some-token' })).status).toBe(401);
    expect(asked).toEqual([]);
  });

  it('drops a failed read quietly when the session is refused (no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { asked, post } = await serve(async () => {
        await eventually(() => asked.length > 0);
        refuse();
      }, async () => {
        throw new Error('database gone');
      });
      expect((await post(`/api/households/${HOUSEHOLD}/needs`, { authorization: 'Bearer some-token' })).status).toBe(401);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
