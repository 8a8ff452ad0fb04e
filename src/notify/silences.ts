/**
 * Silences (Alertmanager `silence/silence.go` semantics) persisted in SQLite. A silence is
 * pending before startsAt, active until endsAt, expired after. Updating keeps the id when only
 * the allowed timestamps change; otherwise the old silence is expired and a new one created.
 * Expired silences are kept for the retention period, then garbage collected.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { Matcher, type MatchType } from '../storage/matcher.ts';

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
}

export type SilenceState = 'pending' | 'active' | 'expired';

export class SilenceError extends Error {
  constructor(message: string, readonly kind: 'invalid' | 'notFound') {
    super(message);
    this.name = 'SilenceError';
  }
}

export function silenceState(s: Silence, now: number): SilenceState {
  if (s.endsAt <= now) return 'expired';
  if (s.startsAt > now) return 'pending';
  return 'active';
}

function toMatcher(m: SilenceMatcher): Matcher {
  const type: MatchType = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return new Matcher(type, m.name, m.value);
}

interface Entry {
  silence: Silence;
  matchers: Matcher[];
}

export class Silences {
  private readonly byId = new Map<string, Entry>();

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {
    for (const r of db.prepare('SELECT * FROM notify_silences').all() as Record<string, any>[]) {
      const s: Silence = {
        id: r.id,
        matchers: JSON.parse(r.matchers),
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        updatedAt: r.updated_at,
        createdBy: r.created_by,
        comment: r.comment,
      };
      try {
        this.byId.set(s.id, { silence: s, matchers: s.matchers.map(toMatcher) });
      } catch {
        // A silence whose regex no longer compiles cannot match anything; skip it.
      }
    }
  }

  private save(s: Silence): void {
    this.db
      .prepare('INSERT OR REPLACE INTO notify_silences (id, matchers, starts_at, ends_at, updated_at, created_by, comment) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.updatedAt, s.createdBy, s.comment);
    this.byId.set(s.id, { silence: s, matchers: s.matchers.map(toMatcher) });
  }

  get(id: string): Silence | undefined {
    return this.byId.get(id)?.silence;
  }

  list(): Silence[] {
    return [...this.byId.values()].map((e) => e.silence);
  }

  /**
   * Creates a silence, or updates the one named by `id`. Returns the id now in effect (a new id
   * when the change could not be made in place).
   */
  set(input: Omit<Silence, 'id' | 'updatedAt'> & { id?: string }): string {
    const now = this.now();
    if (input.matchers.length === 0) throw new SilenceError('at least one matcher required', 'invalid');
    let compiled: Matcher[];
    try {
      compiled = input.matchers.map(toMatcher);
    } catch (e) {
      throw new SilenceError(`invalid matcher: ${(e as Error).message}`, 'invalid');
    }
    if (compiled.every((m) => m.matchesEmpty)) throw new SilenceError('at least one matcher must not match the empty string', 'invalid');
    input.matchers.forEach((m, i) => {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name)) throw new SilenceError(`invalid label matcher ${i}: invalid label name ${JSON.stringify(m.name)}`, 'invalid');
    });
    if (input.endsAt <= input.startsAt) throw new SilenceError('start time must be before end time', 'invalid');
    if (input.endsAt < now) throw new SilenceError("end time can't be in the past", 'invalid');
    const next: Silence = { ...input, id: input.id ?? '', updatedAt: now };
    if (input.id) {
      const prev = this.byId.get(input.id)?.silence;
      if (!prev) throw new SilenceError('not found', 'notFound');
      if (canUpdate(prev, next, now)) {
        this.save(next);
        return next.id;
      }
      if (silenceState(prev, now) !== 'expired') this.expireAt(prev, now);
    }
    next.id = randomUUID();
    if (next.startsAt < now) next.startsAt = now;
    this.save(next);
    return next.id;
  }

  /** Expires a silence now; throws notFound for unknown ids and for already expired ones. */
  expire(id: string): void {
    const s = this.byId.get(id)?.silence;
    if (!s) throw new SilenceError('silence not found', 'notFound');
    const now = this.now();
    if (silenceState(s, now) === 'expired') throw new SilenceError(`silence ${id} already expired`, 'invalid');
    this.expireAt(s, now);
  }

  private expireAt(s: Silence, now: number): void {
    const pending = silenceState(s, now) === 'pending';
    this.save({ ...s, startsAt: pending ? now : s.startsAt, endsAt: now, updatedAt: now });
  }

  /** Ids of the active silences matching the labels, sorted. */
  mutedBy(labels: Record<string, string>): string[] {
    const now = this.now();
    const ids: string[] = [];
    for (const { silence, matchers } of this.byId.values()) {
      if (silenceState(silence, now) !== 'active') continue;
      if (matchers.every((m) => m.matches(labels[m.name] ?? ''))) ids.push(silence.id);
    }
    return ids.sort();
  }

  mutes(labels: Record<string, string>): boolean {
    return this.mutedBy(labels).length > 0;
  }

  countByState(): Record<SilenceState, number> {
    const now = this.now();
    const c = { pending: 0, active: 0, expired: 0 };
    for (const { silence } of this.byId.values()) c[silenceState(silence, now)]++;
    return c;
  }

  /** Deletes silences expired before `before`. */
  gc(before: number): number {
    let n = 0;
    const del = this.db.prepare('DELETE FROM notify_silences WHERE id = ?');
    for (const [id, { silence }] of this.byId) {
      if (silence.endsAt < before) {
        this.byId.delete(id);
        del.run(id);
        n++;
      }
    }
    return n;
  }
}

function sameMatchers(a: SilenceMatcher[], b: SilenceMatcher[]): boolean {
  return a.length === b.length && a.every((m, i) => m.name === b[i].name && m.value === b[i].value && m.isRegex === b[i].isRegex && m.isEqual === b[i].isEqual);
}

/** Alertmanager's canUpdate: which changes keep the silence id. */
function canUpdate(a: Silence, b: Silence, now: number): boolean {
  if (!sameMatchers(a.matchers, b.matchers)) return false;
  switch (silenceState(a, now)) {
    case 'active':
      return b.startsAt === a.startsAt && b.endsAt >= now;
    case 'pending':
      return b.startsAt >= now;
    case 'expired':
      return false;
  }
}
