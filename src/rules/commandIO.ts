/** Where the promtool-style commands write (stdout/stderr by default; strings in tests). */
export interface CommandIO {
  out(s: string): void;
  err(s: string): void;
}

export const processIO: CommandIO = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
};
