/** `tls_config` of HTTP clients: reading it and turning it into Node TLS options. */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { MapReader } from './yamlSource.ts';

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

const TLS_VERSIONS: Record<string, TlsConfig['minVersion']> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** Reads `tls_config` of `m` (absent = defaults). */
export function readTlsConfig(m: MapReader, baseDir: string): TlsConfig {
  const file = (s: string | undefined) => (s === undefined || s === '' ? undefined : isAbsolute(s) ? s : resolve(baseDir, s));
  const out: TlsConfig = { insecureSkipVerify: false };
  const tls = m.map('tls_config', 'config.TLSConfig');
  if (tls) {
    out.caFile = file(tls.string('ca_file'));
    out.certFile = file(tls.string('cert_file'));
    out.keyFile = file(tls.string('key_file'));
    out.serverName = tls.string('server_name') || undefined;
    out.insecureSkipVerify = tls.bool('insecure_skip_verify') ?? false;
    for (const [key, field] of [['min_version', 'minVersion'], ['max_version', 'maxVersion']] as const) {
      const v = tls.string(key);
      if (v === undefined || v === '') continue;
      out[field] = TLS_VERSIONS[v];
      if (!out[field]) tls.error(key, `unknown TLS version: ${v}`);
    }
    for (const k of ['ca', 'cert', 'key']) {
      tls.unsupported(k, `tls_config.${k} (inline PEM) is not supported by promlite (line ${tls.lineOf(k)}); use ${k}_file`);
    }
    tls.done();
    if (!!out.certFile !== !!out.keyFile) {
      tls.src.error(tls.line, 'exactly one of key_file or cert_file is set: both are required for client TLS authentication');
    }
  }
  return out;
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
