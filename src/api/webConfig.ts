/**
 * --web.config.file in Prometheus's exporter-toolkit format, so one file serves both:
 *   tls_server_config: { cert_file, key_file, client_auth_type, client_ca_file, min_version }
 *   basic_auth_users: { user: <bcrypt hash> }
 *   http_server_config: { headers: { Name: value } }
 * Paths are relative to the file. Unknown keys are errors, as in Prometheus.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { timingSafeEqual, createHash } from 'node:crypto';
import YAML from 'yaml';
import bcrypt from 'bcryptjs';
import type { FastifyInstance } from 'fastify';

export interface WebConfig {
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: boolean; minVersion?: 'TLSv1.2' | 'TLSv1.3' };
  basicAuthUsers: Map<string, string>;
  headers: Record<string, string>;
}

const CLIENT_AUTH = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'];

function checkKeys(obj: Record<string, unknown>, allowed: string[], where: string, file: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new Error(`${file}: field ${k} not found in ${where}`);
  }
}

export function loadWebConfig(file: string): WebConfig {
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    raw = YAML.parse(text) ?? {};
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a mapping`);
  const doc = raw as Record<string, unknown>;
  checkKeys(doc, ['tls_server_config', 'basic_auth_users', 'http_server_config'], 'web config', file);
  const base = dirname(resolve(file));
  const out: WebConfig = { basicAuthUsers: new Map(), headers: {} };

  const tls = doc.tls_server_config as Record<string, unknown> | undefined;
  if (tls) {
    checkKeys(
      tls,
      ['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'min_version', 'max_version', 'cipher_suites', 'prefer_server_cipher_suites', 'curve_preferences'],
      'tls_server_config',
      file,
    );
    if (!tls.cert_file || !tls.key_file) throw new Error(`${file}: tls_server_config needs both cert_file and key_file`);
    const authType = String(tls.client_auth_type ?? 'NoClientCert');
    if (!CLIENT_AUTH.includes(authType)) throw new Error(`${file}: invalid client_auth_type ${JSON.stringify(authType)}`);
    if (authType !== 'NoClientCert' && authType !== 'RequestClientCert' && authType !== 'RequireAnyClientCert' && !tls.client_ca_file) {
      throw new Error(`${file}: client_ca_file is required for client_auth_type ${authType}`);
    }
    const minVersion = tls.min_version === undefined ? undefined : String(tls.min_version);
    if (minVersion && !['TLS12', 'TLS13'].includes(minVersion)) throw new Error(`${file}: unsupported min_version ${minVersion}`);
    out.tls = {
      cert: readFileSync(resolve(base, String(tls.cert_file))),
      key: readFileSync(resolve(base, String(tls.key_file))),
      ca: tls.client_ca_file ? readFileSync(resolve(base, String(tls.client_ca_file))) : undefined,
      requestCert: authType !== 'NoClientCert',
      rejectUnauthorized: authType === 'RequireAndVerifyClientCert',
      minVersion: minVersion === 'TLS13' ? 'TLSv1.3' : 'TLSv1.2',
    };
  }

  const users = doc.basic_auth_users as Record<string, unknown> | undefined;
  if (users) {
    for (const [u, h] of Object.entries(users)) {
      if (typeof h !== 'string' || !/^\$2[aby]?\$\d\d\$/.test(h)) throw new Error(`${file}: basic_auth_users.${u} must be a bcrypt hash`);
      out.basicAuthUsers.set(u, h);
    }
  }

  const http = doc.http_server_config as Record<string, unknown> | undefined;
  if (http) {
    checkKeys(http, ['headers', 'http2'], 'http_server_config', file);
    for (const [k, v] of Object.entries((http.headers as Record<string, unknown>) ?? {})) out.headers[k] = String(v);
  }
  return out;
}

/**
 * Adds basic auth (bcrypt, with a cache of verified credentials since bcrypt costs ~100 ms a
 * check) and configured headers to every request. Without users, requests pass.
 */
export function installWebConfig(app: FastifyInstance, cfg: WebConfig): void {
  const verified = new Map<string, Buffer>(); // user → sha256 of the password that matched
  app.addHook('onRequest', async (req, reply) => {
    for (const [k, v] of Object.entries(cfg.headers)) reply.header(k, v);
    if (cfg.basicAuthUsers.size === 0) return;
    const deny = () =>
      reply.code(401).header('www-authenticate', 'Basic').header('content-type', 'text/plain; charset=utf-8').send('Unauthorized\n');
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Basic ')) return deny();
    const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return deny();
    const user = decoded.slice(0, i);
    const pass = decoded.slice(i + 1);
    const hash = cfg.basicAuthUsers.get(user);
    if (!hash) return deny();
    const digest = createHash('sha256').update(pass).digest();
    const known = verified.get(user);
    if (known && timingSafeEqual(known, digest)) return;
    if (!(await bcrypt.compare(pass, hash))) return deny();
    verified.set(user, digest);
  });
}
