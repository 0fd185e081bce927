import type { UploadedFile } from './kfp-test-state';

/** Test-only: the file parts of a multipart/form-data body, as a server reads them. */
export function parseMultipart(contentType: string, body: Buffer): UploadedFile[] | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) return undefined;
  const text = body.toString('utf8');
  const parts = text.split(`--${boundary}`);
  if (parts.length < 3 || !parts[parts.length - 1].startsWith('--')) return undefined;
  const files: UploadedFile[] = [];
  for (const part of parts.slice(1, -1)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return undefined;
    const headers = part.slice(0, split);
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const field = /\bname="([^"]*)"/.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/.exec(disposition)?.[1] ?? '';
    if (!field) return undefined;
    files.push({ field, filename, content: part.slice(split + 4).replace(/\r\n$/, '') });
  }
  return files;
}
