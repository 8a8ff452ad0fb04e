/**
 * `oauth2:` in an HTTP client config: the OAuth 2.0 client-credentials grant, as Prometheus's
 * HTTP client does it. The token is fetched from token_url with the client id and secret (HTTP
 * basic auth, form body with grant_type, scope and endpoint_params), cached per config object,
 * and fetched again shortly before it expires.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { isAbsolute, resolve } from 'node:path';
import { readTlsConfig, tlsConnectionOptions, type TlsConfig } from './tlsConfig.ts';
import type { MapReader } from './yamlSource.ts';

export interface OAuth2Config {
  clientId: string;
  clientSecret?: string;
  clientSecretFile?: string;
  scopes: string[];
  tokenUrl: string;
  endpointParams: Record<string, string>;
  tls: TlsConfig;
}

export function readOAuth2Config(parent: MapReader, baseDir: string): OAuth2Config | undefined {
  const m = parent.map('oauth2', 'config.OAuth2');
  if (!m) return undefined;
  const clientId = m.string('client_id') ?? '';
  const clientSecret = m.string('client_secret');
  const secretFileText = m.string('client_secret_file');
  const clientSecretFile = secretFileText ? (isAbsolute(secretFileText) ? secretFileText : resolve(baseDir, secretFileText)) : undefined;
  const scopes = m.stringList('scopes') ?? [];
  const tokenUrl = m.string('token_url') ?? '';
  const endpointParams: Record<string, string> = {};
  for (const p of m.stringMap('endpoint_params') ?? []) endpointParams[p.name] = p.value;
  const tls = readTlsConfig(m, baseDir);
  for (const k of ['proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header']) {
    m.unsupported(k, `oauth2.${k} is not supported by promlite (line ${m.lineOf(k)})`);
  }
  m.done();
  if (clientId === '') m.error('client_id', 'oauth2 client_id must be configured');
  if (clientSecret && clientSecretFile) m.error('client_secret_file', 'at most one of oauth2 client_secret & client_secret_file must be configured');
  if (tokenUrl === '') m.error('token_url', 'oauth2 token_url must be configured');
  else if (!/^https?:\/\//.test(tokenUrl)) m.error('token_url', `invalid value for token_url: ${JSON.stringify(tokenUrl)} is not an http(s) URL`);
  return { clientId, clientSecret, clientSecretFile, scopes, tokenUrl, endpointParams, tls };
}

interface CachedToken {
  token: string;
  /** ms since epoch; Infinity when the server gave no expiry. */
  expiresAt: number;
}

const tokens = new WeakMap<OAuth2Config, CachedToken>();
const pending = new WeakMap<OAuth2Config, Promise<CachedToken>>();
/** Refresh this long before the announced expiry. */
const EXPIRY_MARGIN_MS = 10_000;

/** A valid access token for the config, fetching one when none is cached or it is about to expire. */
export async function oauth2Token(cfg: OAuth2Config, now: () => number = Date.now): Promise<string> {
  const cached = tokens.get(cfg);
  if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > now()) return cached.token;
  let p = pending.get(cfg);
  if (!p) {
    p = fetchToken(cfg, now).finally(() => pending.delete(cfg));
    pending.set(cfg, p);
  }
  const fresh = await p;
  tokens.set(cfg, fresh);
  return fresh.token;
}

async function fetchToken(cfg: OAuth2Config, now: () => number): Promise<CachedToken> {
  const secret = cfg.clientSecretFile ? (await readFile(cfg.clientSecretFile, 'utf8')).trim() : (cfg.clientSecret ?? '');
  const form = new URLSearchParams({ grant_type: 'client_credentials', ...cfg.endpointParams });
  if (cfg.scopes.length > 0) form.set('scope', cfg.scopes.join(' '));
  const body = form.toString();
  const auth = 'Basic ' + Buffer.from(`${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  const tlsOpts = cfg.tokenUrl.startsWith('https:') ? await tlsConnectionOptions(cfg.tls) : {};
  const started = now();
  const text = await new Promise<string>((resolveBody, reject) => {
    const mod = cfg.tokenUrl.startsWith('https:') ? https : http;
    const req = mod.request(
      cfg.tokenUrl,
      {
        method: 'POST',
        timeout: 30_000,
        headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), Accept: 'application/json' },
        ...tlsOpts,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const t = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) !== 200) reject(new Error(`oauth2: token endpoint returned HTTP ${res.statusCode}: ${t.slice(0, 200)}`));
          else resolveBody(t);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('oauth2: token request timed out')));
    req.on('error', reject);
    req.end(body);
  });
  let parsed: { access_token?: unknown; expires_in?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('oauth2: token endpoint did not return JSON');
  }
  if (typeof parsed.access_token !== 'string' || parsed.access_token === '') throw new Error('oauth2: token endpoint returned no access_token');
  const expiresIn = Number(parsed.expires_in);
  return { token: parsed.access_token, expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? started + expiresIn * 1000 : Infinity };
}
