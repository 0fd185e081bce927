import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A pipeline for the e2e specs that needs no venv, no image build and no
 * registry: one component that runs `sh` as its command stands (no
 * pyproject.toml, no Dockerfile; its image is pinned by digest, so a Kubeflow
 * deploy takes it as it is), and two independent tasks of it.
 *
 * Each task marks that it started, then looks for up to `waitSeconds` for
 * the other one to be running at the same moment; if it is, it leaves an
 * `overlap-<task>` file. So two tasks that run at once find each other
 * however busy the machine is, and two that run one after the other never do.
 */
export const PROBE_PIPELINE = 'probe-pair';

const SCRIPT =
  'touch "$0/started-$1"; i=0; ' +
  'while [ $i -lt $3 ]; do ' +
  'if [ -e "$0/started-$2" ] && [ ! -e "$0/ended-$2" ]; then touch "$0/overlap-$1"; break; fi; ' +
  'sleep 0.1; i=$((i+1)); done; ' +
  'touch "$0/ended-$1"';

export function writeProbePipeline(workspaceRoot: string, markers: string, waitSeconds = 5): void {
  mkdirSync(markers, { recursive: true });
  const component = join(workspaceRoot, 'components/overlap-probe');
  mkdirSync(component, { recursive: true });
  writeFileSync(
    join(component, 'component.yaml'),
    [
      'name: Overlap probe',
      'description: Says whether another task runs at the same time',
      'inputs:',
      '- {name: markers, type: String}',
      '- {name: me, type: String}',
      '- {name: other, type: String}',
      '- {name: ticks, type: Integer}',
      'implementation:',
      '  container:',
      `    image: docker.io/library/busybox@sha256:${'0'.repeat(64)}`,
      `    command: [sh, -c, '${SCRIPT}', {inputValue: markers}, {inputValue: me}, {inputValue: other}, {inputValue: ticks}]`,
      '',
    ].join('\n'),
  );
  const pipeline = join(workspaceRoot, 'pipelines', PROBE_PIPELINE);
  mkdirSync(pipeline, { recursive: true });
  const task = (me: string, other: string) =>
    [`  ${me}:`, '    component: overlap-probe', '    caching: false', `    arguments: {markers: '${markers}', me: ${me}, other: ${other}, ticks: ${waitSeconds * 10}}`];
  writeFileSync(
    join(pipeline, 'pipeline.yaml'),
    [`name: ${PROBE_PIPELINE}`, 'description: Two independent tasks', 'tasks:', ...task('first', 'second'), ...task('second', 'first'), ''].join('\n'),
  );
}
