/**
 * A table file uploaded as the request body (CSV or .xlsx, by Content-Type), read as a stream by
 * the import itself: no body parser runs before these routes.
 */
import type { Request, Response } from 'express';
import { TABLE_MEDIA_TYPES, type TableFormat } from '../services/shared/table-import/table-rows';
import { AppError } from '../shared/errors';

/** The file's format from its Content-Type; 415 for anything else, or a compressed body. */
export function uploadFormat(req: Request): TableFormat {
  const format = (Object.keys(TABLE_MEDIA_TYPES) as TableFormat[]).find((f) => req.is([...TABLE_MEDIA_TYPES[f]]));
  if (!format) throw new AppError('unsupported_media_type', `send the file as ${Object.values(TABLE_MEDIA_TYPES).flat().join(' or ')}`);
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') throw new AppError('unsupported_media_type', 'send the file without Content-Encoding');
  return format;
}

/** Runs the import of the uploaded file and answers its result as JSON. */
export async function answerUpload(req: Request, res: Response, importFile: (format: TableFormat) => Promise<unknown>): Promise<void> {
  try {
    res.json(await importFile(uploadFormat(req)));
  } finally {
    // Refused before the end of the upload (a bad header, too large): the rest is not read, so
    // the client is not left waiting to send it, and the connection closes after the answer.
    if (!req.complete) {
      res.setHeader('Connection', 'close');
      req.unpipe();
      req.resume();
    }
  }
}
