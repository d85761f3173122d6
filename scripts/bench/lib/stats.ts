// Order statistics for benchmark samples. Medians everywhere: the machines are shared and noisy,
// and one slow run (another engineer's test suite starting) must not move a figure.

export function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The q-quantile (0…1) by nearest rank; NaN for no samples. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const list = sorted(values);
  return list[Math.min(list.length - 1, Math.max(0, Math.ceil(q * list.length) - 1))]!;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const list = sorted(values);
  const mid = list.length >> 1;
  return list.length % 2 === 1 ? list[mid]! : (list[mid - 1]! + list[mid]!) / 2;
}

/** Ratios of paired samples (same round, same machine state), then their median. */
export function pairedRatio(numerators: number[], denominators: number[]): number {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(numerators.length, denominators.length); i++) {
    if (denominators[i]! > 0) ratios.push(numerators[i]! / denominators[i]!);
  }
  return median(ratios);
}
