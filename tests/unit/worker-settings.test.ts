/**
 * The workers' settings live in the one Config (config/config.ts) and are checked with the rest:
 * food rounds further apart than a food cycle skip cycles whose entitlements are then never
 * generated, so that must stop the process (both mains print the message and exit 2), naming both
 * variables. Booleans take one grammar for the API and the workers alike.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';

const check = (env: Record<string, string>) => () => loadConfig(env);

describe('worker settings in the config', () => {
  it('refuses food rounds further apart than a food cycle, naming both variables', () => {
    expect(check({ ROUND_EVERY_FOOD_H: '73', FOOD_CYCLE_DAYS: '3' })).toThrow(/ROUND_EVERY_FOOD_H.*FOOD_CYCLE_DAYS=3, 72 h/s);
    // The default cycle is 3 days.
    expect(check({ ROUND_EVERY_FOOD_H: '96' })).toThrow(/ROUND_EVERY_FOOD_H: 96 h .*FOOD_CYCLE_DAYS=3/);
  });

  it('accepts up to exactly one cycle, and no schedule at all', () => {
    expect(check({ ROUND_EVERY_FOOD_H: '72', FOOD_CYCLE_DAYS: '3' })).not.toThrow();
    expect(check({ ROUND_EVERY_FOOD_H: '168', FOOD_CYCLE_DAYS: '7' })).not.toThrow();
    expect(check({})).not.toThrow();
  });

  it('reads worker booleans with the same parser as the API’s (on/off, yes/no, 1/0, true/false)', () => {
    for (const [text, value] of [['on', true], ['off', false], ['yes', true], ['no', false], ['1', true], ['0', false]] as const) {
      expect(loadConfig({ LIVE_EVENTS: text, DEMO_SEED: text }).LIVE_EVENTS).toBe(value);
    }
    expect(check({ WORKER_ALLOW_EVICTION: 'maybe' })).toThrow(/WORKER_ALLOW_EVICTION/);
  });

  it('serves every queue unless WORKER_QUEUES names some, and refuses unknown names', () => {
    expect(loadConfig({}).WORKER_QUEUES.length).toBeGreaterThan(1);
    expect(loadConfig({ WORKER_QUEUES: 'solve' }).WORKER_QUEUES).toEqual(['solve']);
    expect(check({ WORKER_QUEUES: 'nope' })).toThrow(/WORKER_QUEUES/);
  });
});
