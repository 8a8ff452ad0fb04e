/**
 * Remote write 1.0 / remote read wire types (prompb/types.proto, prompb/remote.proto), declared
 * with protobufjs, plus the snappy block framing both directions use.
 */
import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs';
import snappy from 'snappyjs';

const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
message ReadRequest { repeated Query queries = 1; repeated int32 accepted_response_types = 2; }
message ReadResponse { repeated QueryResult results = 1; }
message Query { int64 start_timestamp_ms = 1; int64 end_timestamp_ms = 2; repeated LabelMatcher matchers = 3; ReadHints hints = 4; }
message QueryResult { repeated TimeSeries timeseries = 1; }
message ReadHints { int64 step_ms = 1; string func = 2; int64 start_ms = 3; int64 end_ms = 4; repeated string grouping = 5; bool by = 6; int64 range_ms = 7; }
message MetricMetadata { int32 type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; }
message Label { string name = 1; string value = 2; }
message LabelMatcher { int32 type = 1; string name = 2; string value = 3; }
`;

// protobufjs (~9 MB of memory) is loaded on the first remote write/read, not at start-up.
let types: { write: Protobuf.Type; readReq: Protobuf.Type; readRes: Protobuf.Type } | undefined;
function pb() {
  if (!types) {
    const protobuf = createRequire(import.meta.url)('protobufjs') as typeof Protobuf;
    const root = protobuf.parse(PROTO, { keepCase: true }).root;
    types = {
      write: root.lookupType('prometheus.WriteRequest'),
      readReq: root.lookupType('prometheus.ReadRequest'),
      readRes: root.lookupType('prometheus.ReadResponse'),
    };
  }
  return types;
}

export interface PbLabel {
  name: string;
  value: string;
}
export interface PbSample {
  value: number;
  timestamp: number;
}
export interface PbTimeSeries {
  labels: PbLabel[];
  samples: PbSample[];
}
export interface PbWriteRequest {
  timeseries: PbTimeSeries[];
  metadata: { type: number; metric_family_name: string; help: string; unit: string }[];
}
export interface PbLabelMatcher {
  type: number; // EQ=0 NEQ=1 RE=2 NRE=3
  name: string;
  value: string;
}
export interface PbQuery {
  start_timestamp_ms: number;
  end_timestamp_ms: number;
  matchers: PbLabelMatcher[];
}
export interface PbReadRequest {
  queries: PbQuery[];
  accepted_response_types: number[];
}

const TO_OBJECT = { longs: Number, defaults: true, arrays: true } as const;

export function decodeWriteRequest(body: Uint8Array): PbWriteRequest {
  const t = pb().write;
  return t.toObject(t.decode(body), TO_OBJECT) as PbWriteRequest;
}

export function encodeWriteRequest(req: { timeseries: PbTimeSeries[]; metadata?: PbWriteRequest['metadata'] }): Uint8Array {
  const t = pb().write;
  return t.encode(t.fromObject(req)).finish();
}

export function decodeReadRequest(body: Uint8Array): PbReadRequest {
  const t = pb().readReq;
  return t.toObject(t.decode(body), TO_OBJECT) as PbReadRequest;
}

export function encodeReadRequest(req: { queries: PbQuery[]; accepted_response_types?: number[] }): Uint8Array {
  const t = pb().readReq;
  return t.encode(t.fromObject(req)).finish();
}

export function encodeReadResponse(res: { results: { timeseries: PbTimeSeries[] }[] }): Uint8Array {
  const t = pb().readRes;
  return t.encode(t.fromObject(res)).finish();
}

export function decodeReadResponse(body: Uint8Array): { results: { timeseries: PbTimeSeries[] }[] } {
  const t = pb().readRes;
  return t.toObject(t.decode(body), TO_OBJECT) as { results: { timeseries: PbTimeSeries[] }[] };
}

/** Largest decompressed body accepted; the snappy header declares the size, so a hostile
 * request cannot make us allocate more than this. */
export const MAX_DECODED_BYTES = 256 * 1024 * 1024;

/** Snappy block format (not framed), as remote write/read require. Throws on corrupt input. */
export function snappyDecode(body: Uint8Array, maxBytes = MAX_DECODED_BYTES): Uint8Array {
  return snappy.uncompress(body, maxBytes);
}

export function snappyEncode(body: Uint8Array): Uint8Array {
  return snappy.compress(body);
}
