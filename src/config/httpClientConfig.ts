/**
 * The HTTP client block shared by scrape configs, http_sd, alertmanagers and remote write/read:
 * basic_auth, authorization, legacy bearer_token(_file), tls_config, follow_redirects,
 * enable_http2. Relative file paths are resolved against the config file's directory, as
 * Prometheus does. Secrets in files are read at request time (so rotating a file needs no reload).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { MapReader } from './yamlSource.ts';

export interface BasicAuth {
  username: string;
  password?: string;
  passwordFile?: string;
}

export interface Authorization {
  /** `Bearer` unless configured otherwise. */
  type: string;
  credentials?: string;
  credentialsFile?: string;
}

export interface TlsConfig {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify: boolean;
  /** TLS1.0 … TLS1.3 as in Prometheus, or undefined for Node's default. */
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}

export interface HttpClientConfig {
  basicAuth?: BasicAuth;
  authorization?: Authorization;
  tls: TlsConfig;
  followRedirects: boolean;
  enableHttp2: boolean;
}

export const DEFAULT_HTTP_CLIENT: HttpClientConfig = {
  tls: { insecureSkipVerify: false },
  followRedirects: true,
  enableHttp2: true,
};

const TLS_VERSIONS: Record<string, TlsConfig['minVersion']> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/**
 * Reads the HTTP client keys out of `m` (which may hold other keys too: the caller calls
 * `m.done()`). `baseDir` resolves relative file names.
 */
export function readHttpClientConfig(m: MapReader, baseDir: string): HttpClientConfig {
  const src = m.src;
  const cfg: HttpClientConfig = { tls: { insecureSkipVerify: false }, followRedirects: true, enableHttp2: true };
  const file = (s: string | undefined) => (s === undefined || s === '' ? undefined : isAbsolute(s) ? s : resolve(baseDir, s));

  const ba = m.map('basic_auth', 'config.BasicAuth');
  if (ba) {
    const username = ba.string('username') ?? '';
    const password = ba.string('password');
    const passwordFile = file(ba.string('password_file'));
    ba.done();
    if (password && passwordFile) ba.error('password_file', 'at most one of basic_auth password & password_file must be configured');
    cfg.basicAuth = { username, password, passwordFile };
  }

  const az = m.map('authorization', 'config.Authorization');
  if (az) {
    const type = az.string('type') || 'Bearer';
    const credentials = az.string('credentials');
    const credentialsFile = file(az.string('credentials_file'));
    az.done();
    if (type.toLowerCase() === 'basic') az.error('type', 'authorization type cannot be set to "basic", use "basic_auth" instead');
    if (credentials && credentialsFile) az.error('credentials_file', 'at most one of authorization credentials & credentials_file must be configured');
    cfg.authorization = { type, credentials, credentialsFile };
  }

  // Legacy spellings of `authorization: {type: Bearer, ...}`.
  const bearerToken = m.string('bearer_token');
  const bearerTokenFile = file(m.string('bearer_token_file'));
  if (bearerToken || bearerTokenFile) {
    const at = m.lineOf(bearerToken ? 'bearer_token' : 'bearer_token_file');
    if (bearerToken && bearerTokenFile) src.error(at, 'at most one of bearer_token & bearer_token_file must be configured');
    else if (cfg.authorization) src.error(at, 'authorization is not compatible with bearer_token & bearer_token_file');
    else cfg.authorization = { type: 'Bearer', credentials: bearerToken || undefined, credentialsFile: bearerTokenFile };
  }
  if (cfg.basicAuth && cfg.authorization) {
    src.error(m.lineOf('basic_auth'), 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  }

  const tls = m.map('tls_config', 'config.TLSConfig');
  if (tls) {
    cfg.tls.caFile = file(tls.string('ca_file'));
    cfg.tls.certFile = file(tls.string('cert_file'));
    cfg.tls.keyFile = file(tls.string('key_file'));
    cfg.tls.serverName = tls.string('server_name') || undefined;
    cfg.tls.insecureSkipVerify = tls.bool('insecure_skip_verify') ?? false;
    for (const [key, field] of [['min_version', 'minVersion'], ['max_version', 'maxVersion']] as const) {
      const v = tls.string(key);
      if (v === undefined || v === '') continue;
      cfg.tls[field] = TLS_VERSIONS[v];
      if (!cfg.tls[field]) tls.error(key, `unknown TLS version: ${v}`);
    }
    for (const k of ['ca', 'cert', 'key']) {
      tls.unsupported(k, `tls_config.${k} (inline PEM) is not supported by promlite (line ${tls.lineOf(k)}); use ${k}_file`);
    }
    tls.done();
    if (!!cfg.tls.certFile !== !!cfg.tls.keyFile) {
      tls.src.error(tls.line, 'exactly one of key_file or cert_file is set: both are required for client TLS authentication');
    }
  }

  cfg.followRedirects = m.bool('follow_redirects') ?? true;
  cfg.enableHttp2 = m.bool('enable_http2') ?? true;
  for (const k of ['oauth2', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header']) {
    m.unsupported(k, `${k} is not supported by promlite (line ${m.lineOf(k)})`);
  }
  return cfg;
}

/** The `Authorization` header value for a request, reading secret files now. */
export async function authorizationHeader(cfg: HttpClientConfig): Promise<string | undefined> {
  if (cfg.basicAuth) {
    const password = cfg.basicAuth.passwordFile
      ? (await readFile(cfg.basicAuth.passwordFile, 'utf8')).trim()
      : (cfg.basicAuth.password ?? '');
    return 'Basic ' + Buffer.from(`${cfg.basicAuth.username}:${password}`).toString('base64');
  }
  if (cfg.authorization) {
    const credentials = cfg.authorization.credentialsFile
      ? (await readFile(cfg.authorization.credentialsFile, 'utf8')).trim()
      : (cfg.authorization.credentials ?? '');
    return `${cfg.authorization.type} ${credentials}`;
  }
  return undefined;
}

/** Options for `https.request` / `tls.connect`, reading the CA and client certificate files. */
export async function tlsConnectionOptions(tls: TlsConfig): Promise<ConnectionOptions> {
  const opts: ConnectionOptions = { rejectUnauthorized: !tls.insecureSkipVerify };
  if (tls.caFile) opts.ca = await readFile(tls.caFile);
  if (tls.certFile) opts.cert = await readFile(tls.certFile);
  if (tls.keyFile) opts.key = await readFile(tls.keyFile);
  if (tls.serverName) opts.servername = tls.serverName;
  if (tls.minVersion) opts.minVersion = tls.minVersion;
  if (tls.maxVersion) opts.maxVersion = tls.maxVersion;
  return opts;
}
