/**
 * The process's turns at the transport-planning lock (inTransportTurn): one piece of work at a time,
 * in order of arrival, except that urgent work (an emergency) goes before the passes still waiting.
 */
import { describe, expect, it } from 'vitest';
import { inTransportTurn } from '../../src/store/pass-transport.repository';

/** A piece of work that runs until released, recording when it starts. */
function gated(name: string, started: string[]) {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  let running!: () => void;
  const isRunning = new Promise<void>((r) => { running = r; });
  const work = async () => { started.push(name); running(); await gate; return name; };
  return { work, release, isRunning };
}

describe('transport turns', () => {
  it('runs one at a time in arrival order, an urgent one before those waiting', async () => {
    const started: string[] = [];
    const a = gated('pass-a', started);
    const b = gated('pass-b', started);
    const c = gated('pass-c', started);
    const e = gated('emergency', started);
    const done = [inTransportTurn(a.work), inTransportTurn(b.work), inTransportTurn(c.work), inTransportTurn(e.work, { urgent: true })];
    await a.isRunning;
    expect(started).toEqual(['pass-a']);
    a.release();
    await e.isRunning;
    expect(started).toEqual(['pass-a', 'emergency']);
    e.release();
    await b.isRunning;
    b.release();
    await c.isRunning;
    c.release();
    expect(await Promise.all(done)).toEqual(['pass-a', 'pass-b', 'pass-c', 'emergency']);
    expect(started).toEqual(['pass-a', 'emergency', 'pass-b', 'pass-c']);
  });

  it('a failed turn passes the lock on; work already in its turn runs at once when it asks again', async () => {
    await expect(inTransportTurn(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    const nested = await inTransportTurn(() => inTransportTurn(async () => 'inner'));
    expect(nested).toBe('inner');
  });
});
