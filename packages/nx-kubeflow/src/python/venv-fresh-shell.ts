/*
 * The inferred venv target's fast path, in POSIX sh (graph inference loads this module: no imports).
 *
 * Why: the venv target is never cached (a replayed venv line would claim work not done, issue 12
 * stumble 8), so every `nx run <project>:test`, cache hits included, ran it, and starting Node for
 * the check cost more than the rest of a cache hit (tools/bench/README.md, section 2b). The full
 * check (python-cli.ts venv: the settings and component.yaml checks, then venv.ts) leaves a stamp in
 * the venv when it passes; while nothing the check consulted has changed since, the shell answers
 * from the stamp with one `find` and one `ls` and says the venv is up to date, as the full check
 * would. Anything else (no stamp, another key, a watched file changed, gone or another file, a
 * missing one present, a `find` without -cnewer) runs the full check, which writes a new stamp when
 * it passes.
 *
 * The stamp, `<root>/.venv/nx-kubeflow-venv-fresh`, written by venv-fresh.ts:
 *   line 1   the interpreter command the check used (--python, $PYTHON or python3)
 *   line 2   VENV_FRESH_KEY as the shell expanded it when the check started
 *   +<path>  a file the check read, or a symlink on the way to one: neither its change time
 *            (ctime, which every write, rename or link sets and no tool sets back) nor its
 *            modification time (for file systems whose ctime is the creation time) may be newer
 *            than the stamp's modification time, set to before the check started
 *   =<path>  a file of the venv itself that must still exist (every change to the venv by the
 *            plugin removes the stamp first, venv.ts)
 *   -<path>  a file the check looked for and did not find: it must still be missing
 *   #<line>  what VENV_FRESH_IDENTITY printed for the `+` paths: they must still be the same files
 */

/** The stamp's file name, in the project's .venv (deleting the venv deletes it). */
export const VENV_FRESH_STAMP = 'nx-kubeflow-venv-fresh';

/**
 * The key: the venv command's arguments as the shell got them (project, root and every option Nx
 * forwards), what picks the interpreter ($PYTHON, pyenv's variables, where ~/.pyenv is, the working
 * folder whose .python-version files count) and the command as PATH resolves it now. `nxk_c` is
 * the stamp's first line. venv-fresh.ts has the same shell expand it, so the two never differ in
 * spelling.
 */
export const VENV_FRESH_KEY = '1 $*|${PYTHON-}|${PYENV_VERSION-}|${PYENV_ROOT-}|${HOME-}|$PWD|$(command -v "$nxk_c")';

/**
 * Which files the `+` paths are (ls -i: inode numbers, as `ls` sorts and spaces them): a path that
 * leads to another file than at the check, such as one inside a folder renamed over another or a
 * new container's interpreter, may carry older times than the stamp. venv-fresh.ts writes what it
 * printed then, as `#` lines.
 */
export const VENV_FRESH_IDENTITY = 'ls -id "$@" 2>&1';

/**
 * The venv target's command for a POSIX shell: `<launcher> venv <project> <root>` when the stamp
 * does not answer. The launcher and the arguments are shell words already; Nx appends the options
 * of `nx run <project>:venv --extras=…` at the end, where they reach both the key and the launcher.
 * The launcher keeps `python-cli.<ext>' venv ` in the text, which the executors look for
 * (python-target-lookup.ts).
 */
export function venvFreshCommand(launcherWord: string, projectWord: string, rootWord: string): string {
  return [
    `nxk_venv() { nxk_l=$1; shift; nxk_s=$3/.venv/${VENV_FRESH_STAMP}; ` +
      `if nxk_fresh "$@" 2>/dev/null <"$nxk_s"; then printf '%s\\n' "[$2] venv $3/.venv is up to date"; else eval "$nxk_l"' "$@"'; fi; }`,
    `nxk_fresh() { IFS= read -r nxk_c && IFS= read -r nxk_k && [ "$nxk_k" = "${VENV_FRESH_KEY}" ] || return 1; ` +
      `nxk_n=$(printf '\\nx'); nxk_n=\${nxk_n%x}; nxk_i=; set --; ` +
      `while IFS= read -r nxk_p; do case $nxk_p in +/*) set -- "$@" "\${nxk_p#+}";; =/*) [ -e "\${nxk_p#=}" ] || return 1;; ` +
      `-/*) [ -e "\${nxk_p#-}" ] && return 1;; \\#*) nxk_i=$nxk_i\${nxk_p#?}$nxk_n;; *) return 1;; esac; done; ` +
      `[ $# -gt 0 ] && nxk_o=$(find "$@" -prune \\( -cnewer "$nxk_s" -o -newer "$nxk_s" \\) 2>&1) && [ -z "$nxk_o" ] && ` +
      `nxk_o=$(${VENV_FRESH_IDENTITY})$nxk_n && [ "$nxk_o" = "$nxk_i" ]; }`,
    `nxk_venv ${launcherWord} venv ${projectWord} ${rootWord}`,
  ].join('; ');
}
