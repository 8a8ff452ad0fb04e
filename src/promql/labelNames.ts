/**
 * Label-name validity as Prometheus 3.x checks it (UTF-8 names are allowed). A string that
 * came from invalid UTF-8 carries U+FFFD replacement characters, so those are rejected.
 */
export function isValidLabelName(name: string): boolean {
  return name.length > 0 && !name.includes('\uFFFD');
}

/** The legacy (pre-UTF-8) label-name charset. */
export function isLegacyLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}
