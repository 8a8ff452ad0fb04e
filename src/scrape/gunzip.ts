/**
 * gunzip for scrape bodies without zlib.gunzipSync's per-call cost: gunzipSync builds a new
 * stream object and a new zlib context (inflateInit: ~40 KB of state and window) for every
 * body and allocates fresh output chunks. Here one zlib context is reset and reused (inflating
 * is synchronous, so one serves every target) and bodies are inflated into pooled buffers that
 * the scrape loop hands back once it has parsed them.
 *
 * This drives the zlib binding of a Gunzip stream directly (`_handle.writeSync`, the call
 * zlib's own sync path makes); if a Node version lacks it, gunzipSync is used instead.
 */
import zlib from 'node:zlib';

interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  close(): void;
  onerror: ((message: string, errno: number) => void) | null;
}

export class GunzipError extends Error {
  constructor(
    message: string,
    /** The inflated body would exceed the size limit. */
    readonly tooLarge: boolean,
  ) {
    super(message);
    this.name = 'GunzipError';
  }
}

/** An inflated body; `release()` returns its buffer to the pool (call once, after the last read). */
export interface Inflated {
  body: Buffer;
  release(): void;
}

const POOL_MAX = 4;
/** Larger buffers are not kept: one huge body should not pin its size in memory. */
const POOL_MAX_BYTES = 1 << 20;
const pool: Buffer[] = [];

function takeBuffer(size: number): Buffer {
  for (let i = pool.length - 1; i >= 0; i--) {
    if (pool[i].length >= size) {
      const b = pool[i];
      pool.splice(i, 1);
      return b;
    }
  }
  return Buffer.allocUnsafe(size);
}

function giveBack(b: Buffer): void {
  if (b.length <= POOL_MAX_BYTES && pool.length < POOL_MAX) pool.push(b);
}

/** The reused zlib context; `stream` owns the handle and is kept reachable with it. */
interface Context {
  stream: unknown;
  handle: ZlibHandle;
  state: Uint32Array;
}
let ctx: Context | null = null;
let lastError: string | null = null;
let unsupported = false;

function openContext(): Context | null {
  if (ctx !== null || unsupported) return ctx;
  const gz = zlib.createGunzip() as unknown as { _handle?: ZlibHandle; _writeState?: unknown };
  const h = gz._handle;
  if (h === undefined || typeof h.writeSync !== 'function' || typeof h.reset !== 'function' || !(gz._writeState instanceof Uint32Array)) {
    unsupported = true;
    return null;
  }
  // Errors are reported synchronously from writeSync through onerror; the stream wrapper
  // would destroy itself, so the handle's errors come here instead.
  h.onerror = (message) => {
    lastError = message;
  };
  ctx = { stream: gz, handle: h, state: gz._writeState };
  return ctx;
}

/** After an error zlib's context cannot be trusted: the next body gets a new one. */
function dropContext(): void {
  try {
    ctx?.handle.close();
  } catch {
    /* already closed */
  }
  ctx = null;
}

/**
 * Inflates a gzip body. `limit` (bytes, 0 = none) bounds the inflated size; `sizeHint` is the
 * expected size (e.g. the previous body's) so the output usually needs one buffer. Throws
 * GunzipError on corrupt input or when the limit is exceeded.
 */
export function gunzipBody(input: Uint8Array, limit: number, sizeHint: number): Inflated {
  const c = openContext();
  if (c === null) return fallback(input, limit);
  const h = c.handle;
  h.reset();
  lastError = null;
  let out = takeBuffer(Math.max(4096, limit > 0 ? Math.min(sizeHint + 1024, limit + 1) : sizeHint + 1024));
  let outOff = 0;
  let inOff = 0;
  let inLen = input.length;
  const st = c.state;
  for (;;) {
    const space = out.length - outOff;
    h.writeSync(zlib.constants.Z_FINISH, input, inOff, inLen, out, outOff, space);
    if (lastError !== null) {
      const msg = lastError;
      dropContext();
      giveBack(out);
      throw new GunzipError(msg, false);
    }
    const availOut = st[0];
    const availIn = st[1];
    outOff += space - availOut;
    inOff += inLen - availIn;
    inLen = availIn;
    if (limit > 0 && outOff > limit) {
      giveBack(out);
      throw new GunzipError(`body size limit exceeded (limit: ${limit} bytes)`, true);
    }
    if (availOut > 0) break; // Z_FINISH with room left: the stream is complete
    // Output full: continue into a larger buffer (never much past the limit).
    let size = out.length * 2;
    if (limit > 0) size = Math.min(size, limit + 1);
    const bigger = takeBuffer(size);
    out.copy(bigger, 0, 0, outOff);
    giveBack(out);
    out = bigger;
  }
  const buf = out;
  let released = false;
  return {
    body: buf.subarray(0, outOff),
    release: () => {
      if (released) return;
      released = true;
      giveBack(buf);
    },
  };
}

function fallback(input: Uint8Array, limit: number): Inflated {
  try {
    return { body: zlib.gunzipSync(input, limit > 0 ? { maxOutputLength: limit } : {}), release() {} };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const tooLarge = err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
    throw new GunzipError(tooLarge ? `body size limit exceeded (limit: ${limit} bytes)` : err.message, tooLarge);
  }
}

/** For tests: forces the gunzipSync path (true) or the reused handle (false). */
export function useFallbackForTests(on: boolean): void {
  dropContext();
  unsupported = on;
}

/**
 * A response body from its streamed chunks, inflated when gzip (body_size_limit applied to the
 * inflated size); throws an Error whose message is the scrape error. Shared by the HTTP/1.1 and
 * HTTP/2 paths.
 */
export function responseBody(chunks: Buffer[], size: number, gzip: boolean, limit: number): { body: Buffer; release?: () => void } {
  const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
  if (!gzip) return { body };
  try {
    return gunzipBody(body, limit, 0);
  } catch (e) {
    const err = e as GunzipError;
    throw new Error(err.tooLarge ? err.message : `gzip: ${err.message}`);
  }
}
