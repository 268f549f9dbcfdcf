import { describe, expect, it } from 'vitest';
import { stepTimer } from '../../src/shared/steps';

describe('stepTimer', () => {
  it('gives each step the time since the previous one, adding up a step named twice', () => {
    let t = 1000;
    const steps = stepTimer(() => t);
    t += 40;
    steps.step('load');
    t += 250.4;
    steps.step('merge');
    t += 10;
    steps.step('load');
    expect(steps.ms).toEqual({ load: 50, merge: 250 });
  });
});
