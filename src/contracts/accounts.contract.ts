/**
 * Bodies and answers of bulk account creation and resident sign-up (issue #15, item 5). Unknown
 * fields refused; field errors name the field and never echo the value (a password, a code).
 */
import { z } from 'zod';

export const bulkAccountsBody = z.strictObject({
  /** A district, street, community or building: every corridor and community under it. */
  areaId: z.uuid(),
  /** Corridors per unit-chief account, within one community. Default 1. */
  corridorsPerChief: z.number().int().min(1).max(50).default(1),
  /** Staff accounts each community should have; only the missing ones are made. Default 1. */
  staffPerCommunity: z.number().int().min(0).max(20).default(1),
});

const issuedAccount = z.object({
  userId: z.uuid(),
  username: z.string(),
  role: z.enum(['coordinator', 'community_staff']),
  communityId: z.uuid(),
  communityName: z.string(),
  corridors: z.array(z.object({ id: z.uuid(), name: z.string() })),
  oneTimePassword: z.string().describe('Shown this once (stored only hashed); to be changed at first login'),
});

export const bulkAccountsResponse = z.object({
  areaId: z.uuid(),
  areaName: z.string(),
  created: z.object({ coordinators: z.number().int(), staff: z.number().int() }),
  corridorsAlreadyCovered: z.number().int().describe('Corridors that had a unit chief already: none gets a second'),
  corridors: z.number().int(),
  communities: z.number().int(),
  accounts: z.array(issuedAccount),
});

export const signupCodeResponse = z.object({
  code: z.string().describe('Give it to the resident; single-use, replaces any earlier code of the household'),
  expiresAt: z.iso.datetime(),
});

/** A phone number as people write it: digits with spaces, dashes, dots, brackets, a leading +. */
const phone = z.string().max(32).regex(/^\+?[0-9][0-9 ().-]{5,30}$/, 'a phone number: digits, optionally + and spaces or dashes');

export const signupBody = z.strictObject({
  phone,
  code: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const signupResponse = z.object({
  userId: z.uuid(),
  username: z.string().describe('The phone number’s digits: what the resident logs in with'),
  householdId: z.uuid(),
});
