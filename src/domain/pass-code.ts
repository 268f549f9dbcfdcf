/**
 * The pass code a resident shows at a checkpoint: a compact, signed token that fits in a QR code.
 *
 *   CP1.<payload>.<signature>   (base64url; ~200 characters for a typical name)
 *
 * payload = version byte | pass id | household id | hospital id (16 bytes each) | valid from |
 * valid until (u32 seconds) | person name (length byte + UTF-8). The hospital travels as an id,
 * not a name: the code is readable by anyone who scans it, and where someone is treated is medical.
 *
 * Signed with Ed25519 rather than an HMAC: checkpoints get the public key and can check a code
 * offline without being able to make one. The key pair is derived from the configured secret,
 * so every API process signs with the same key and a restart does not invalidate issued passes.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface PassClaims {
  passId: string;
  householdId: string;
  hospitalId: string;
  person: string;
  validFrom: Date;
  validUntil: Date;
}

export interface PassKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export type OfflineFailure = 'malformed' | 'bad_signature' | 'not_yet_valid' | 'expired';
export type OfflineResult = { ok: true; claims: PassClaims } | { ok: false; reason: OfflineFailure; claims?: PassClaims };

const PREFIX = 'CP1';
const VERSION = 1;
const DOMAIN = Buffer.from('cordon-pass-v1|');
// PKCS#8 wrapper of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PERSON_BYTES = 120;

export function passKeysFromSecret(secret: string): PassKeys {
  const seed = createHash('sha256').update('cordon-pass-signing|').update(secret).digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The public key as checkpoint devices load it (SPKI, base64). */
export function exportPublicKey(publicKey: KeyObject): string {
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

export function importPublicKey(spkiBase64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
}

const uuidBytes = (id: string): Buffer => {
  if (!UUID.test(id)) throw new RangeError('pass code: ids must be uuids');
  return Buffer.from(id.replace(/-/g, ''), 'hex');
};
const uuidOf = (b: Buffer): string => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** Trims a name to whole characters within the byte budget (no half UTF-8 sequence). */
function personBytes(person: string): Buffer {
  let s = person.trim();
  while (Buffer.byteLength(s) > MAX_PERSON_BYTES) s = [...s].slice(0, -1).join('');
  return Buffer.from(s);
}

function encodeClaims(c: PassClaims): Buffer {
  const head = Buffer.alloc(1 + 48 + 8);
  head.writeUInt8(VERSION, 0);
  uuidBytes(c.passId).copy(head, 1);
  uuidBytes(c.householdId).copy(head, 17);
  uuidBytes(c.hospitalId).copy(head, 33);
  head.writeUInt32BE(Math.floor(c.validFrom.getTime() / 1000), 49);
  head.writeUInt32BE(Math.floor(c.validUntil.getTime() / 1000), 53);
  const name = personBytes(c.person);
  return Buffer.concat([head, Buffer.from([name.length]), name]);
}

function decodeClaims(b: Buffer): PassClaims | null {
  if (b.length < 58 || b.readUInt8(0) !== VERSION) return null;
  const len = b.readUInt8(57);
  if (b.length !== 58 + len) return null;
  return {
    passId: uuidOf(b.subarray(1, 17)),
    householdId: uuidOf(b.subarray(17, 33)),
    hospitalId: uuidOf(b.subarray(33, 49)),
    validFrom: new Date(b.readUInt32BE(49) * 1000),
    validUntil: new Date(b.readUInt32BE(53) * 1000),
    person: b.subarray(58).toString('utf8'),
  };
}

export function signPassCode(claims: PassClaims, keys: Pick<PassKeys, 'privateKey'>): string {
  const payload = encodeClaims(claims);
  const signature = sign(null, Buffer.concat([DOMAIN, payload]), keys.privateKey);
  return `${PREFIX}.${payload.toString('base64url')}.${signature.toString('base64url')}`;
}

/** Reads the claims without checking anything (for display and for the online check's lookup). */
export function readPassCode(code: string): PassClaims | null {
  const parts = code.trim().split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1]) return null;
  return decodeClaims(Buffer.from(parts[1], 'base64url'));
}

/**
 * The offline check a checkpoint can run with the public key alone: signature, then window.
 * Pure: `now` is passed in. Says why a code fails; a failed code's claims are returned only
 * when the signature held (so nothing unsigned is ever shown as if it were the pass).
 */
export function verifyPassCode(code: string, publicKey: KeyObject, now: Date): OfflineResult {
  const parts = code.trim().split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) return { ok: false, reason: 'malformed' };
  const payload = Buffer.from(parts[1], 'base64url');
  const signature = Buffer.from(parts[2], 'base64url');
  const claims = decodeClaims(payload);
  if (!claims || signature.length !== 64) return { ok: false, reason: 'malformed' };
  if (!verify(null, Buffer.concat([DOMAIN, payload]), publicKey, signature)) return { ok: false, reason: 'bad_signature' };
  const t = now.getTime();
  if (t < claims.validFrom.getTime()) return { ok: false, reason: 'not_yet_valid', claims };
  if (t > claims.validUntil.getTime()) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}
