// Pairs reported devices with stored rows by identity keys, strongest first. A level pairs a
// reported device with an unpaired stored row that has the same key and passes `compatible`;
// among several candidates the one with the same `tieBreak` value (usually the name) wins.

export interface MatchLevel<T> {
  key(item: T): string | null;
  compatible?(reported: T, stored: T): boolean;
}

export interface MatchResult<T, S extends T> {
  pairs: Array<[T, S]>;
  added: T[];
  removed: S[];
}

export function matchDevices<T, S extends T>(
  reported: readonly T[],
  stored: readonly S[],
  levels: ReadonlyArray<MatchLevel<T>>,
  tieBreak: (item: T) => string,
): MatchResult<T, S> {
  const pairs: Array<[T, S]> = [];
  const openReported = new Set(reported);
  const openStored = new Set(stored);
  for (const level of levels) {
    const byKey = new Map<string, S[]>();
    for (const row of openStored) {
      const key = level.key(row);
      if (key === null) continue;
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
    for (const item of openReported) {
      const key = level.key(item);
      if (key === null) continue;
      const candidates = (byKey.get(key) ?? []).filter(
        (row) => openStored.has(row) && (level.compatible?.(item, row) ?? true),
      );
      if (candidates.length === 0) continue;
      const name = tieBreak(item);
      const chosen = candidates.find((row) => tieBreak(row) === name) ?? candidates[0]!;
      pairs.push([item, chosen]);
      openReported.delete(item);
      openStored.delete(chosen);
    }
  }
  return { pairs, added: [...openReported], removed: [...openStored] };
}
