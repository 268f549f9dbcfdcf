/** Plausible open needs for the demo district, one per chosen household, every kind represented. */
import type { Household } from '../domain/household';
import { mulberry32, type Rng as Random } from '../planning/routing/rng';

// The planning engine's seeded PRNG: the demo district is the same on every machine.
export { mulberry32, type Random };

const DRUGS = [
  ['Metformin', '500 mg'],
  ['Amlodipine', '5 mg'],
  ['Insulin glargine', '100 IU/ml'],
  ['Levothyroxine', '50 mcg'],
  ['Salbutamol inhaler', '100 mcg'],
  ['Atorvastatin', '20 mg'],
] as const;
/** Hospitals near the demo district (seeded into `hospitals`; medical_pass needs name one of them). */
export const DEMO_HOSPITALS = [
  { name: 'Ruijin Hospital', lat: 31.2115, lon: 121.4686 },
  { name: 'Zhongshan Hospital', lat: 31.1993, lon: 121.4525 },
  { name: 'Xuhui Central Hospital', lat: 31.2066, lon: 121.4437 },
  { name: 'Shanghai Sixth People’s Hospital', lat: 31.1806, lon: 121.4266 },
] as const;
const HOSPITALS = DEMO_HOSPITALS.map((h) => h.name);
const REASONS = ['haemodialysis session', 'chemotherapy cycle', 'prenatal check-up', 'post-operative review'];

const pick = <T>(xs: readonly T[], rnd: Random): T => xs[Math.floor(rnd() * xs.length)]!;

/** The i-th chosen household's need: kinds rotate so each appears, details vary with the household. */
export function demoNeedFor(i: number, h: Household, now: Date, rnd: Random): unknown {
  const kinds = ['food_package', 'medicine', 'boxed_meal', 'gas', 'rice', 'oil', 'medical_pass'] as const;
  const kind = h.chronicIllness && rnd() < 0.5 ? 'medicine' : kinds[i % kinds.length]!;
  switch (kind) {
    case 'food_package':
      // No cycle: intake names the current one, as the household's entitlement does.
      return { kind, details: {} };
    case 'medicine': {
      const [drug, strength] = pick(DRUGS, rnd);
      const urgency = rnd() < 0.08 ? 'emergency' : rnd() < 0.3 ? 'today' : 'routine';
      return { kind, details: { drug, strength, quantity: 30 * (1 + Math.floor(rnd() * 3)), prescriptionRef: `RX-${100000 + i}`, urgency } };
    }
    case 'boxed_meal':
      return { kind, details: { date: now.toISOString().slice(0, 10), meals: h.members * (h.cannotCook ? 3 : 1) } };
    case 'gas':
      return { kind, details: { cylinders: 1 } };
    case 'rice':
      return { kind, details: { kg: 5 * Math.max(1, Math.round(h.members / 2)) } };
    case 'oil':
      return { kind, details: { litres: h.members > 3 ? 5 : 2 } };
    case 'medical_pass': {
      const at = new Date(now.getTime() + (6 + Math.floor(rnd() * 72)) * 3600_000);
      at.setUTCMinutes(0, 0, 0);
      return { kind, details: { reason: pick(REASONS, rnd), hospital: pick(HOSPITALS, rnd), appointmentAt: at.toISOString(), needsEscort: h.elderlyAlone, needsWheelchair: rnd() < 0.2 } };
    }
  }
}
