/** Pushes samples into a remote-write receiver (promlite or Prometheus) from a test. */
import { encodeWriteRequest, snappyEncode } from '../../src/remote/prompb.ts';

export interface PushSeries {
  labels: Record<string, string>;
  samples: [t: number, v: number][];
}

export async function pushSamples(url: string, series: PushSeries[]): Promise<Response> {
  const body = snappyEncode(
    encodeWriteRequest({
      timeseries: series.map((s) => ({
        labels: Object.keys(s.labels)
          .sort()
          .map((name) => ({ name, value: s.labels[name] })),
        samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })),
      })),
    }),
  );
  return fetch(`${url}/api/v1/write`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
    body: Buffer.from(body),
  });
}
