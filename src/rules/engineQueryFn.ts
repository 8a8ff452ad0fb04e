/**
 * The rules' QueryFn over the PromQL engine (Prometheus EngineQueryFunc): an instant query;
 * a scalar becomes one sample with empty labels; other result types are an error.
 */
import type { Engine } from '../promql/engine.ts';
import type { Queryable } from '../storage/interface.ts';
import { Labels } from '../storage/labels.ts';
import type { QueryFn } from './types.ts';

export function engineQueryFn(engine: Engine, queryable: Queryable): QueryFn {
  return async (expr, t) => {
    const { result } = await engine.instantQuery(queryable, expr, t);
    if (result.type === 'vector') return result.samples;
    if (result.type === 'scalar') return [{ metric: Labels.EMPTY, t: result.t, v: result.v }];
    throw new Error('rule result is not a vector or scalar');
  };
}
