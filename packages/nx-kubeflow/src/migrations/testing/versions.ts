/**
 * Orders two release versions (1.2.3, the only form this package and
 * component-runtime are released in) as nx migrate does with semver:
 * negative when a comes first. Anything else is refused, so a pre-release
 * cannot be compared wrongly.
 */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => {
    const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
    if (!match) throw new Error(`"${version}" is not a release version (major.minor.patch)`);
    return match.slice(1).map(Number);
  };
  const [left, right] = [parts(a), parts(b)];
  for (let index = 0; index < 3; index++) if (left[index] !== right[index]) return left[index] - right[index];
  return 0;
}
