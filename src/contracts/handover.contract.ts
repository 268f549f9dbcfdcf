/**
 * A vehicle handed over at a shift change (issue #18, item 4), and the driver's day (item 5): HTTP
 * shapes. Both sides of a handover are written with PUT, once: the phone replays its offline queue
 * and the same report again is answered from what is stored.
 */
import { z } from 'zod';
import { isoDateTime } from '../domain/dates';
import { DISINFECTION_STATES } from '../domain/handover';

/** The handover before a trip: the incoming driver's first trip after the change. */
export const handoverParams = z.strictObject({ roundId: z.uuid(), tripId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

export const handOverBody = z.strictObject({
  note: z.string().trim().max(500).optional().describe('For the next driver: fuel, damage, anything to know'),
  handedAt: isoDateTime().optional().describe('When, as the phone saw it (a report queued offline is sent later); default: when the server receives it'),
}).meta({ id: 'HandOverInput', description: 'The outgoing driver hands the vehicle over. Set once: a later report answers the stored one.' });

export const acceptHandoverBody = z.strictObject({
  acceptedAt: isoDateTime().optional().describe('When, as the phone saw it; default: when the server receives it'),
}).meta({ id: 'HandoverAcceptance', description: 'The incoming driver takes the vehicle over. Set once.' });

export const vehicleStateView = z.object({
  tripsBefore: z.int().describe('The vehicle\'s trips of the round before the change'),
  tripsDone: z.int().describe('Of them, with every stop closed'),
  bagsOnBoard: z.array(z.object({ kind: z.string().describe('A need kind (`waste_pickup`: waste picked up, not yet unloaded)'), bags: z.int() })).describe('Counts by kind: never what a bag holds'),
  disinfection: z.enum(DISINFECTION_STATES).describe('After the vehicle\'s last waste trip'),
  lastStop: z.object({ gate: z.string(), status: z.enum(['delivered', 'failed']) }).nullable(),
  lastPosition: z.object({ lat: z.number(), lon: z.number(), at: z.iso.datetime() }).nullable(),
  openCustody: z.array(z.object({ tripNo: z.int(), missing: z.array(z.enum(['unload', 'disinfection'])) })),
}).meta({ id: 'VehicleState' });

export const handoverView = z.object({
  roundId: z.uuid(),
  /** The incoming driver's first trip after the change. */
  tripId: z.string(),
  fromTripId: z.string(),
  vehicleId: z.uuid(),
  vehicleName: z.string().describe('"Van 1 (沪A·12345)"'),
  fromDriver: z.object({ id: z.uuid(), name: z.string() }),
  toDriver: z.object({ id: z.uuid(), name: z.string() }),
  atS: z.number().describe('When the vehicle changes hands, seconds from the round\'s start'),
  shiftStartMin: z.int().describe('Minutes from midnight the round\'s clock starts at'),
  state: vehicleStateView.describe('As handed over once confirmed; until then, as the vehicle stands now'),
  note: z.string().nullable(),
  handedAt: z.iso.datetime().nullable(),
  acceptedAt: z.iso.datetime().nullable(),
}).meta({ id: 'VehicleHandover' });
export type HandoverView = z.input<typeof handoverView>;
/** null: the trip's vehicle keeps its driver (no shift change before it). */
export const handoverAnswer = z.object({ handover: handoverView.nullable() });

/** `replayed`: this side was stored already (nothing changed, nothing published again). */
export const handoverRecorded = z.object({ handover: handoverView, replayed: z.boolean() });

export const shiftBandView = z.object({
  vehicleId: z.uuid(), driverId: z.uuid(), driverName: z.string(), fromS: z.number(), untilS: z.number(),
}).meta({ id: 'ShiftBand' });

export const roundCrewView = z.object({
  roundId: z.uuid(),
  shiftStartMin: z.int(),
  bands: z.array(shiftBandView).describe('Per vehicle, who has it from when until when: the driver\'s rostered duty around their trips'),
  handovers: z.array(handoverView),
  /** Who drives each vehicle now: the trip under way, else the last accepted handover, else the band covering now. */
  current: z.array(z.object({ vehicleId: z.uuid(), driverId: z.uuid(), driverName: z.string(), source: z.enum(['trip', 'handover', 'shift']) })),
}).meta({ id: 'RoundCrew' });
export type RoundCrewView = z.input<typeof roundCrewView>;

export const myDayView = z.object({
  shifts: z.array(z.object({
    id: z.uuid(), name: z.string(), depotName: z.string(), startsAt: z.iso.datetime(), endsAt: z.iso.datetime(),
    vehicle: z.string().nullable().describe('The vehicle the dispatcher put the driver on ("Van 1 (沪A·12345)"); null: the plan decides (see the trips)'),
  })),
  handovers: z.array(handoverView.extend({ role: z.enum(['outgoing', 'incoming']) })),
  timeZone: z.string().describe('The roster\'s time zone (ROSTER_TIME_ZONE): shift times are read there, whatever zone the phone is set to'),
}).meta({ id: 'DriverDay', description: 'The signed-in driver\'s shifts today (and last night\'s still running), and the handovers of their vehicles at shift changes' });
export type MyDayView = z.input<typeof myDayView>;
