// An in-process SMTP server (npm smtp-server) that records messages, plus a small MIME reader
// (headers, multipart/alternative, quoted-printable/base64) to inspect what arrived.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | undefined;
  secure: boolean;
  raw: string;
}

export class MailSink {
  readonly mails: ReceivedMail[] = [];
  private server!: SMTPServer;

  async start(opts: { user?: string; pass?: string } = {}): Promise<number> {
    this.server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
      authOptional: !opts.user,
      allowInsecureAuth: false,
      logger: false,
      onAuth: (auth, _session, cb) => {
        const ok = auth.method === 'CRAM-MD5' ? auth.validatePassword(opts.pass ?? '') : auth.password === opts.pass;
        if (auth.username === opts.user && ok) cb(null, { user: `${auth.username}:${auth.method}` });
        else cb(new Error('Invalid username or password'));
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            secure: session.secure,
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export interface MimePart {
  headers: Record<string, string>;
  body: string;
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const i = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, i).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(i).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c > 0) headers[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/\r\n/g, '\n');
    return Buffer.from(bytes.replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return body.replace(/\r\n/g, '\n');
}

/** Decodes RFC 2047 encoded words (=?utf-8?q?...?= / ?b?). */
export function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([qQbB])\?([^?]*)\?=\s*/g, (_m, _cs, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

/** Top-level headers and the decoded text/plain and text/html parts. */
export function parseMail(raw: string): { headers: Record<string, string>; text?: string; html?: string } {
  const { headers, body } = splitHeaders(raw);
  const out: { headers: Record<string, string>; text?: string; html?: string } = { headers };
  const ct = headers['content-type'] ?? 'text/plain';
  const m = /boundary="?([^";]+)"?/i.exec(ct);
  const parts: MimePart[] = [];
  if (ct.toLowerCase().startsWith('multipart/') && m) {
    for (const chunk of body.split(`--${m[1]}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      parts.push(splitHeaders(chunk.replace(/^\r?\n/, '')));
    }
  } else {
    parts.push({ headers, body });
  }
  for (const p of parts) {
    const type = (p.headers['content-type'] ?? 'text/plain').toLowerCase();
    const decoded = decodeBody(p.body, p.headers['content-transfer-encoding']);
    if (type.startsWith('text/html')) out.html = decoded;
    else if (type.startsWith('text/plain')) out.text = decoded;
  }
  return out;
}
