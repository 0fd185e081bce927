/*
 * The inferred venv target's fast path, in POSIX sh (graph inference loads this module: no imports).
 *
 * Why: the venv target is never cached (a replayed venv line would claim work not done, issue 12
 * stumble 8), so every `nx run <project>:test`, cache hits included, ran it, and starting Node for
 * the check cost more than the rest of a cache hit (tools/bench/README.md, section 2b). The full
 * check (python-cli.ts venv: the settings and component.yaml checks, then venv.ts) leaves a shell
 * script in the venv when it passes (venv-fresh.ts writes it): it names everything that check
 * consulted, as it was, and says the venv is up to date, as the full check would, only while all
 * of it is unchanged; otherwise it exits 1. The target's command runs it, in a subshell (so that a
 * damaged file ends only that), and the full check when it fails or is not there.
 */

/**
 * The script's file name, in the project's .venv (deleting the venv deletes it). The number is the
 * format: a plugin that checks other things names another file, so a script written by an older
 * one is never run.
 */
export const VENV_FRESH_STAMP = 'nx-kubeflow-venv-fresh.v1.sh';

/**
 * What picks the interpreter besides the command and the options: $PYTHON, pyenv's variables, where
 * ~/.pyenv is, and the working folder whose .python-version files count. The script compares this
 * expansion with the one venv-fresh.ts had the same shell make when the check started.
 */
export const VENV_FRESH_ENVIRONMENT = '${PYTHON-}|${PYENV_VERSION-}|${PYENV_ROOT-}|${HOME-}|$PWD';

/**
 * Which files the watched paths are (ls -i: inode numbers, as `ls` sorts and spaces them): a path
 * that leads to another file than at the check, such as one inside a folder renamed over another or
 * a rebuilt container's interpreter, may carry older times than the script.
 */
export const VENV_FRESH_IDENTITY = 'ls -id "$@" 2>&1';

/**
 * The venv target's command for a POSIX shell: the script when there is one, else (or when it
 * exits 1) `<launcher> venv <project> <root>`. The launcher and the arguments are shell words
 * already; Nx appends the options of `nx run <project>:venv --extras=…` at the end, where they reach
 * both the script (which compares them) and the launcher. The text keeps `python-cli.<ext>' venv `,
 * which the executors look for (python-target-lookup.ts).
 */
export function venvFreshCommand(launcherWord: string, projectWord: string, rootWord: string): string {
  return (
    `nxk_venv() { nxk_l=$1; shift; (. "$3/.venv/${VENV_FRESH_STAMP}") 2>/dev/null || eval "$nxk_l"' "$@"'; }; ` +
    `nxk_venv ${launcherWord} venv ${projectWord} ${rootWord}`
  );
}
