/**
 * Names of the channels the change triggers notify and the relays listen on (apart from
 * change-notify.ts, which needs the database module, so that migrations can import it).
 */
import { createHash } from 'node:crypto';

/** What a relay waits for: need status changes (the API's live relay) or outbox events (the workers'). */
export type ChangeTopic = 'need_status' | 'outbox';

const MAX_IDENTIFIER_BYTES = 63;

/**
 * The channel of a topic in a schema: tests run side by side in schemas of one database, and a
 * relay must not wake for another schema's changes. Channels are identifiers (63 bytes at most),
 * so a long schema name is cut and told apart by a hash. Migration 0014 bakes these names into the
 * triggers: changing this function needs a migration.
 */
export function changeChannel(topic: ChangeTopic, schema: string): string {
  const name = `cordon_${topic}_${schema}`;
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  const hash = createHash('sha256').update(schema).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_IDENTIFIER_BYTES - hash.length - 1)}_${hash}`;
}
