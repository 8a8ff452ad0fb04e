/** `promlite test rules TEST.yml...`: promtool's rule unit-test format, same output and exit codes. */
import { UsageError } from './serveFlags.ts';

export async function testCommand(args: string[]): Promise<number> {
  const [what, ...files] = args;
  if (what !== 'rules' || files.length === 0) throw new UsageError('usage: promlite test rules TEST.yml...');
  return (await import('../rules/unitTest.ts')).testRulesCommand(files);
}
