/**
 * Label-name validity as Prometheus 3.x checks it: any valid UTF-8 (legacy charset not required).
 * Invalid bytes from string escapes (`"\\xff"`) are kept by the parser as U+DC80..U+DCFF.
 */
import { isValidUtf8Text } from './literals.ts';

export function isValidLabelName(name: string): boolean {
  return name.length > 0 && isValidUtf8Text(name);
}
