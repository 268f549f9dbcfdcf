/**
 * The pass signing keys, derived once per secret from config (PASS_SIGNING_SECRET). Without a
 * secret (development, tests) a random key is used: codes then stop verifying at a restart,
 * which is why production refuses to start without one (config/config.ts).
 */
import { randomBytes } from 'node:crypto';
import { passKeysFromSecret, type PassKeys } from '../../domain/pass-code';

const cache = new Map<string, PassKeys>();
let ephemeral: PassKeys | undefined;

export function passKeys(config: { PASS_SIGNING_SECRET?: string | undefined }): PassKeys {
  const secret = config.PASS_SIGNING_SECRET;
  if (!secret) return (ephemeral ??= passKeysFromSecret(randomBytes(32).toString('hex')));
  let keys = cache.get(secret);
  if (!keys) {
    keys = passKeysFromSecret(secret);
    cache.set(secret, keys);
  }
  return keys;
}
