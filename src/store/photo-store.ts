/**
 * Where the bytes of gate photos live (issue #17, item 6), behind a small interface so a deployment
 * can swap the local directory (a docker-compose volume) for an object store. Keys are photo ids
 * (UUIDs, checked), so no request can name a path.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PhotoStore {
  put(id: string, bytes: Buffer): Promise<void>;
  /** The bytes, or undefined when nothing is stored under this id. */
  get(id: string): Promise<Buffer | undefined>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function keyOf(id: string): string {
  if (!UUID.test(id)) throw new Error(`photo id ${JSON.stringify(id)} is not a uuid`);
  return id;
}

/** Files under `dir/<first two hex digits>/<id>`, written to a temporary name and renamed, so a reader never sees half a photo. */
export function localPhotoStore(dir: string): PhotoStore {
  const path = (id: string) => join(dir, keyOf(id).slice(0, 2), keyOf(id));
  return {
    async put(id, bytes) {
      const file = path(id);
      await mkdir(join(dir, id.slice(0, 2)), { recursive: true });
      await writeFile(`${file}.part`, bytes);
      await rename(`${file}.part`, file);
    },
    async get(id) {
      try {
        return await readFile(path(id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}
