/**
 * Remote write receiver (POST /api/v1/write, remote write 1.0) and remote read
 * (POST /api/v1/read, SAMPLES responses), answering as Prometheus 2.42 does:
 * 204 on success, 400 for undecodable bodies or rejected samples (the whole request is rolled
 * back), 404 when the receiver is not enabled, 500 otherwise.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Appendable, Queryable } from '../../storage/interface.ts';
import { AppendError } from '../../storage/interface.ts';
import { Labels } from '../../storage/labels.ts';
import { Matcher, type MatchType } from '../../storage/matcher.ts';
import {
  decodeReadRequest,
  decodeWriteRequest,
  encodeReadResponse,
  snappyDecode,
  snappyEncode,
  type PbTimeSeries,
} from '../../remote/prompb.ts';

export interface RemoteOptions {
  appendable: Appendable;
  queryable: Queryable;
  writeReceiverEnabled: boolean;
  externalLabels: () => Labels;
  /** Called with counts after a successful write, for self metrics. */
  onWrite?: (series: number, samples: number) => void;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MATCH_TYPES: MatchType[] = ['=', '!=', '=~', '!~'];

function text(reply: FastifyReply, code: number, body: string) {
  return reply.code(code).header('content-type', 'text/plain; charset=utf-8').send(body);
}

function bodyBytes(req: FastifyRequest): Uint8Array | null {
  return Buffer.isBuffer(req.body) ? req.body : null;
}

/** Labels of a remote-write series, validated as Prometheus's write handler does. */
export function seriesLabels(ts: PbTimeSeries): Labels | string {
  const seen = new Set<string>();
  for (const l of ts.labels) {
    if (!LABEL_NAME.test(l.name)) return `invalid label name ${JSON.stringify(l.name)}`;
    if (seen.has(l.name)) return `duplicate label name ${JSON.stringify(l.name)}`;
    seen.add(l.name);
  }
  const labels = Labels.fromPairs(ts.labels.map((l) => [l.name, l.value] as const));
  if (labels.size === 0) return 'series without labels';
  return labels;
}

export async function remoteRoutes(app: FastifyInstance, opts: RemoteOptions): Promise<void> {
  app.post('/write', async (req, reply) => {
    if (!opts.writeReceiverEnabled) {
      return text(reply, 404, 'remote write receiver needs to be enabled with --web.enable-remote-write-receiver');
    }
    const raw = bodyBytes(req);
    if (!raw) return text(reply, 400, `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}`);
    let wr;
    try {
      wr = decodeWriteRequest(snappyDecode(raw));
    } catch (e) {
      return text(reply, 400, (e as Error).message);
    }
    const app_ = opts.appendable.appender();
    let samples = 0;
    try {
      for (const ts of wr.timeseries) {
        const labels = seriesLabels(ts);
        if (typeof labels === 'string') {
          app_.rollback();
          return text(reply, 400, labels);
        }
        let ref = 0;
        for (const s of ts.samples) {
          ref = app_.append(ref, labels, s.timestamp, s.value);
          samples++;
        }
      }
      app_.commit();
    } catch (e) {
      app_.rollback();
      if (e instanceof AppendError) return text(reply, 400, e.message);
      throw e;
    }
    opts.onWrite?.(wr.timeseries.length, samples);
    return reply.code(204).send();
  });

  app.post('/read', async (req, reply) => {
    const raw = bodyBytes(req);
    if (!raw) return text(reply, 400, `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}`);
    let rr;
    try {
      rr = decodeReadRequest(snappyDecode(raw));
    } catch (e) {
      return text(reply, 400, (e as Error).message);
    }
    const external = opts.externalLabels();
    const results: { timeseries: PbTimeSeries[] }[] = [];
    for (const q of rr.queries) {
      let matchers: Matcher[];
      try {
        matchers = q.matchers.map((m) => {
          const type = MATCH_TYPES[m.type];
          if (!type) throw new Error(`invalid matcher type ${m.type}`);
          return new Matcher(type, m.name, m.value);
        });
      } catch (e) {
        return text(reply, 400, (e as Error).message);
      }
      const querier = opts.queryable.querier(q.start_timestamp_ms, q.end_timestamp_ms);
      try {
        const set = querier.select(matchers, { sorted: true });
        const timeseries: PbTimeSeries[] = [];
        while (set.next()) {
          const s = set.at();
          const labels: { name: string; value: string }[] = [];
          // External labels apply where the series has no label of that name.
          const merged = new Map<string, string>();
          external.forEach((n, v) => merged.set(n, v));
          s.labels.forEach((n, v) => merged.set(n, v));
          for (const n of [...merged.keys()].sort()) labels.push({ name: n, value: merged.get(n)! });
          const samples: { value: number; timestamp: number }[] = [];
          const it = s.iterator();
          while (it.next()) samples.push({ timestamp: it.atT(), value: it.atV() });
          timeseries.push({ labels, samples });
        }
        const err = set.err();
        if (err) return text(reply, 400, err.message);
        results.push({ timeseries });
      } finally {
        querier.close();
      }
    }
    const body = snappyEncode(encodeReadResponse({ results }));
    return reply
      .code(200)
      .header('content-type', 'application/x-protobuf')
      .header('content-encoding', 'snappy')
      .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });
}
