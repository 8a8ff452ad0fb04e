/**
 * `http_config` as receivers and `global.http_config` take it (prometheus/common
 * HTTPClientConfig). promlite supports the authentication and TLS parts; proxies and OAuth2
 * are rejected with a clear message rather than silently ignored.
 */
import { readFileSync } from 'node:fs';
import type { YamlValue } from './alertmanagerYaml.ts';

export interface HttpClientConfig {
  basicAuth?: { username: string; password: string };
  /** Full Authorization header value, e.g. `Bearer abc`. */
  authorization?: string;
  tls: { ca?: string; cert?: string; key?: string; serverName?: string; insecureSkipVerify: boolean };
  followRedirects: boolean;
}

export const DEFAULT_HTTP_CONFIG: HttpClientConfig = { tls: { insecureSkipVerify: false }, followRedirects: true };

const KEYS = [
  'basic_auth', 'authorization', 'bearer_token', 'bearer_token_file', 'tls_config', 'follow_redirects',
  'enable_http2', 'oauth2', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header',
];

function readSecretFile(v: YamlValue): string {
  const path = v.string();
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw v.error(`${v.what}: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

export function parseHttpConfig(v: YamlValue, base: HttpClientConfig = DEFAULT_HTTP_CONFIG): HttpClientConfig {
  if (v.isNull()) return base;
  const m = v.map(KEYS);
  for (const k of ['oauth2', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header']) {
    if (m.has(k)) throw m.get(k).error(`${m.get(k).what}: not supported by promlite`);
  }
  const out: HttpClientConfig = { tls: { insecureSkipVerify: false }, followRedirects: m.optBool('follow_redirects', true) };
  if (m.has('basic_auth')) {
    const b = m.get('basic_auth').map(['username', 'password', 'password_file', 'username_file']);
    const password = b.has('password_file') ? readSecretFile(b.get('password_file')) : b.optString('password', '');
    out.basicAuth = { username: b.optString('username', ''), password };
  }
  let auth: string | undefined;
  if (m.has('authorization')) {
    const a = m.get('authorization').map(['type', 'credentials', 'credentials_file']);
    const type = a.optString('type', 'Bearer');
    if (type.toLowerCase() === 'basic') throw a.get('type').error('authorization type cannot be set to "basic", use "basic_auth" instead');
    const cred = a.has('credentials_file') ? readSecretFile(a.get('credentials_file')) : a.optString('credentials', '');
    auth = `${type} ${cred}`;
  }
  if (m.has('bearer_token') || m.has('bearer_token_file')) {
    if (auth !== undefined) throw m.error('at most one of bearer_token, bearer_token_file & authorization must be configured');
    auth = `Bearer ${m.has('bearer_token') ? m.get('bearer_token').string() : readSecretFile(m.get('bearer_token_file'))}`;
  }
  if (auth !== undefined && out.basicAuth) throw m.error('at most one of basic_auth, bearer_token & authorization must be configured');
  out.authorization = auth;
  if (m.has('tls_config')) out.tls = parseTlsConfig(m.get('tls_config'));
  return out;
}

export type TlsConfig = HttpClientConfig['tls'];

/** `tls_config` (CA, client certificate, server name, insecure_skip_verify). */
export function parseTlsConfig(v: YamlValue): TlsConfig {
  const t = v.map(['ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify', 'min_version', 'max_version', 'ca', 'cert', 'key']);
  const file = (k: string) => (t.has(k) ? readSecretFile(t.get(k)) : undefined);
  return {
    ca: t.has('ca') ? t.get('ca').string() : file('ca_file'),
    cert: t.has('cert') ? t.get('cert').string() : file('cert_file'),
    key: t.has('key') ? t.get('key').string() : file('key_file'),
    serverName: t.has('server_name') ? t.get('server_name').string() : undefined,
    insecureSkipVerify: t.optBool('insecure_skip_verify', false),
  };
}
