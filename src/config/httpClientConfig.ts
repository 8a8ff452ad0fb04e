/**
 * The HTTP client block shared by scrape configs, http_sd, alertmanagers and remote write/read:
 * basic_auth, authorization, legacy bearer_token(_file), tls_config, follow_redirects,
 * enable_http2. Relative file paths are resolved against the config file's directory, as
 * Prometheus does. Secrets in files are read at request time (so rotating a file needs no reload).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { oauth2Token, readOAuth2Config, type OAuth2Config } from './oauth2.ts';
import { readTlsConfig, type TlsConfig } from './tlsConfig.ts';

export { readTlsConfig, tlsConnectionOptions, type TlsConfig } from './tlsConfig.ts';
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


export interface HttpClientConfig {
  basicAuth?: BasicAuth;
  authorization?: Authorization;
  /** OAuth 2.0 client credentials; tokens are fetched and cached by `authorizationHeader`. */
  oauth2?: OAuth2Config;
  tls: TlsConfig;
  followRedirects: boolean;
  enableHttp2: boolean;
}

export const DEFAULT_HTTP_CLIENT: HttpClientConfig = {
  tls: { insecureSkipVerify: false },
  followRedirects: true,
  enableHttp2: true,
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

  cfg.tls = readTlsConfig(m, baseDir);

  const oauth2 = readOAuth2Config(m, baseDir);
  if (oauth2) {
    if (cfg.basicAuth || cfg.authorization) {
      src.error(m.lineOf('oauth2'), 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
    }
    cfg.oauth2 = oauth2;
  }

  cfg.followRedirects = m.bool('follow_redirects') ?? true;
  cfg.enableHttp2 = m.bool('enable_http2') ?? true;
  for (const k of ['proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header']) {
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
  if (cfg.oauth2) return `Bearer ${await oauth2Token(cfg.oauth2)}`;
  if (cfg.authorization) {
    const credentials = cfg.authorization.credentialsFile
      ? (await readFile(cfg.authorization.credentialsFile, 'utf8')).trim()
      : (cfg.authorization.credentials ?? '');
    return `${cfg.authorization.type} ${credentials}`;
  }
  return undefined;
}
