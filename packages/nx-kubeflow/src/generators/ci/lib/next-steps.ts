import { LOCAL_ONLY_ENVIRONMENTS } from './deploy-environments';
import type { NormalizedCiOptions } from './normalize-options';
import { KFP_TOKEN } from './registry-logins';

/**
 * What the team does next, with the real environments, secrets and places to
 * set them: the workflow cannot run a deploy until they exist.
 */
export function ciNextSteps(options: NormalizedCiOptions, written: string[]): string {
  const lines = [`CI for ${options.provider === 'github' ? 'GitHub Actions' : 'GitLab CI/CD'}: ${written.length ? written.join(', ') : 'no file changed'}.`, 'Next steps:'];
  if (!options.hasLockfile) lines.push('  - run npm install and commit package-lock.json: the workflow runs npm ci and keys the npm cache on it');
  lines.push(`  - commit and push: every push and ${options.provider === 'github' ? 'pull request' : 'merge request'} runs npx nx affected -t ${options.targets.lint} ${options.targets.test}`);
  if (options.environments.length === 0) {
    lines.push(
      `  - no deploy job: the pipelines declare no environment besides ${[...LOCAL_ONLY_ENVIRONMENTS].join(' and ')}. ` +
        'Add one (e.g. [production] in pipelines/<p>/config/settings.toml) and run this generator again.',
    );
  }
  for (const env of options.environments) {
    const secrets = [KFP_TOKEN, ...new Set(env.logins.flatMap((login) => login.secrets))];
    const where =
      options.provider === 'github'
        ? `GitHub: Settings > Environments > ${env.name} > Environment secrets`
        : `GitLab: Settings > CI/CD > Variables, environment scope ${env.name}, masked and protected (protect ${options.mainBranch} too)`;
    lines.push(`  - ${env.name}: pushes to ${options.mainBranch} run npx nx affected -t ${options.targets.deploy} -c ${env.name}; set ${secrets.join(', ')} in ${where}`);
    const builtIn = env.logins.filter((login) => login.builtIn).map((login) => login.host);
    if (builtIn.length) lines.push(`    ${builtIn.join(', ')}: logged in with the job's own token, nothing to set`);
    if (env.logins.length === 0) {
      lines.push(`    no image.registry is set for ${env.name}: set it in the pipelines' settings, then run nx g nx-kubeflow:ci again so CI logs in to it`);
    }
    if (env.logins.filter((login) => !login.builtIn).length > 1) {
      lines.push(`    ${env.logins.map((login) => login.host).join(', ')} share one ${env.logins[0].secrets.join('/')} pair: edit the workflow where they need different credentials`);
    }
    if (env.localPipelines.length) {
      lines.push(`    kfp.host is still "local" for ${env.name} in ${env.localPipelines.join(', ')}: CI would deploy there on the runner itself; set kfp.host to your Kubeflow Pipelines URL`);
    }
    if (env.undeclaredIn.length) {
      lines.push(`    no [${env.name}] in ${env.undeclaredIn.join(', ')}: deploy refuses a pipeline without it when a change affects it; add the section or pass --environments`);
    }
  }
  if (options.pipelines.length === 0 && options.environments.length > 0) {
    lines.push(`    (no pipeline yet: ${options.environments.map((env) => env.name).join(', ')} is what nx g pipeline declares)`);
  }
  return lines.join('\n');
}
