import { randomBytes } from 'node:crypto';

export interface MultipartFile {
  field: string;
  filename: string;
  contentType: string;
  content: string | Buffer;
}

/**
 * A multipart/form-data body (RFC 7578) with one part per file. Built by
 * hand so the request goes through node's http module like every other
 * call, under the same TLS options.
 */
export function multipartBody(files: MultipartFile[]): { contentType: string; body: Buffer } {
  const boundary = `----nx-kubeflow-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const file of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\n` +
          `Content-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.filename)}"\r\n` +
          `Content-Type: ${file.contentType}\r\n\r\n`,
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8'),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

function quoted(text: string): string {
  return text.replace(/["\r\n\\]/g, '_');
}
