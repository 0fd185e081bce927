import { isRequired } from './suite-requirements';

describe('which missing resources fail the run', () => {
  it('none by default: suites skip, saying why', () => {
    expect(isRequired('upstream-kfp', {})).toBe(false);
    expect(isRequired('engines', {})).toBe(false);
  });

  it('every one under NX_KUBEFLOW_REQUIRE_ALL=1 (what .ci/run sets)', () => {
    for (const requirement of ['upstream-kfp', 'pypi', 'protoc', 'go', 'openssl', 'prism', 'engines', 'registry'] as const) {
      expect(isRequired(requirement, { NX_KUBEFLOW_REQUIRE_ALL: '1' })).toBe(true);
    }
  });

  it('those named in NX_KUBEFLOW_REQUIRE, and engines and registry under NX_KUBEFLOW_REQUIRE_ENGINES=1', () => {
    expect(isRequired('pypi', { NX_KUBEFLOW_REQUIRE: 'go, pypi' })).toBe(true);
    expect(isRequired('protoc', { NX_KUBEFLOW_REQUIRE: 'go, pypi' })).toBe(false);
    expect(isRequired('registry', { NX_KUBEFLOW_REQUIRE_ENGINES: '1' })).toBe(true);
    expect(isRequired('openssl', { NX_KUBEFLOW_REQUIRE_ENGINES: '1' })).toBe(false);
  });
});
