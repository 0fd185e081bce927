/**
 * Test-only: what a suite needs from outside the repository, and what its
 * absence means. On a developer's machine a suite whose resource is missing
 * skips, saying why, and its tests show as skipped. CI has every resource, so
 * there a skip is a broken setup, not a pass: .ci/run sets
 * NX_KUBEFLOW_REQUIRE_ALL=1 and each missing resource becomes a failing test
 * that names it. One resource at a time: NX_KUBEFLOW_REQUIRE=pypi,go (the
 * names below); NX_KUBEFLOW_REQUIRE_ENGINES=1 (older, kept) covers engines
 * and registry.
 */

export type SuiteRequirement =
  /** ../shared/kfp (or NX_KUBEFLOW_SHARED_KFP): upstream golden files, protos, swagger, CRDs. */
  | 'upstream-kfp'
  /** The package index, for the kfp and dynaconf venvs. */
  | 'pypi'
  | 'protoc'
  /** go and the Go module proxy, for the yaml.v3 reader. */
  | 'go'
  | 'openssl'
  /** Prism (npm) with the upstream swagger. */
  | 'prism'
  /** docker and buildah with the base image. */
  | 'engines'
  /** A registry: NX_KUBEFLOW_TEST_REGISTRY, the docker-registry binary. */
  | 'registry'
  /** Debian's chromium (or NX_KUBEFLOW_CHROMIUM), driven by playwright-core, for the run view's browser specs. */
  | 'browser';

const ENGINE_REQUIREMENTS: ReadonlySet<SuiteRequirement> = new Set(['engines', 'registry']);

/** Whether this run treats a missing `requirement` as a failure (read each call, so a spec can set the variables). */
export function isRequired(requirement: SuiteRequirement, environ: NodeJS.ProcessEnv = process.env): boolean {
  if (environ['NX_KUBEFLOW_REQUIRE_ALL'] === '1') return true;
  if (ENGINE_REQUIREMENTS.has(requirement) && environ['NX_KUBEFLOW_REQUIRE_ENGINES'] === '1') return true;
  const named = (environ['NX_KUBEFLOW_REQUIRE'] ?? '').split(',').map((name) => name.trim());
  return named.includes(requirement);
}

/** The flag that made `requirement` required, for the failure message. */
function requiringFlag(requirement: SuiteRequirement, environ: NodeJS.ProcessEnv): string {
  if (environ['NX_KUBEFLOW_REQUIRE_ALL'] === '1') return 'NX_KUBEFLOW_REQUIRE_ALL=1';
  if (ENGINE_REQUIREMENTS.has(requirement) && environ['NX_KUBEFLOW_REQUIRE_ENGINES'] === '1') return 'NX_KUBEFLOW_REQUIRE_ENGINES=1';
  return `NX_KUBEFLOW_REQUIRE=${environ['NX_KUBEFLOW_REQUIRE']}`;
}

/**
 * Call where the suite's tests are declared (top level or inside a describe),
 * with `missing` the reason the resource is absent, or undefined when it is
 * there. Returns whether the tests can run; when not, the caller declares
 * them with it.skip / describe.skip. Where the resource is required, a test
 * named for it fails with the reason, so the run cannot pass on skips.
 */
export function requireOrSkip(suite: string, requirement: SuiteRequirement, missing: string | undefined, environ: NodeJS.ProcessEnv = process.env): boolean {
  if (missing === undefined) return true;
  if (isRequired(requirement, environ)) {
    const flag = requiringFlag(requirement, environ);
    it(`${suite}: needs ${requirement}, which this run requires (${flag})`, () => {
      throw new Error(`${suite} cannot run: ${missing}. ${flag} makes that a failure (CI has every resource; see .ci/run).`);
    });
  } else {
    // Both: jest hides the console of a file whose tests all skip, but lists a skipped test's name.
    console.warn(`SKIPPED ${suite}: ${missing}`);
    it.skip(`${suite}: skipped, ${missing}`, () => undefined);
  }
  return false;
}
