/**
 * How the plugin's commands (python/python-cli.ts, pipeline/pipeline-cli.ts)
 * end: the exit code their main resolves to, or 1 with the stack of an error
 * that escaped it (their own errors are reported, and redacted, inside).
 */
export function runCommandMain(main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`nx-kubeflow: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
