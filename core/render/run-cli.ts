/**
 * How every command-line entry point of the project ends: it sets
 * `process.exitCode` and lets Node exit once stdout and stderr have drained.
 *
 * `process.exit()` right after a write cuts the output: on Linux, writes to a
 * pipe or socket are asynchronous, and whatever the reader has not taken yet
 * (beyond the pipe's 64 KiB) is dropped, while the status still says 0. A
 * render piped into `jq`, a CI step or `render:diff` then read a truncated
 * plan. A reader that goes away early (`| head`) ends the output quietly
 * instead of with an EPIPE stack trace.
 */
export function runCli(main: () => Promise<number>, onBug: (err: unknown) => string): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
    });
  }
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(onBug(err));
      process.exitCode = 70;
    },
  );
}

/** The stack of an unexpected error, for the "a bug, please report it" message. */
export function describeBug(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
