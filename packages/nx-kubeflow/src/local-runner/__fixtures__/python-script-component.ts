import type { ResolvedComponent } from '../../kfp/pipeline-model';

/** Test-only: a component whose one input is a Python script, run as `python3 -c <script>` (in command mode, this machine's python3). */
export const PYTHON_SCRIPT: ResolvedComponent = {
  project: 'python',
  image: 'python:3.12',
  usesComponentRuntime: false,
  spec: { name: 'python', inputs: [{ name: 'script', type: 'String' }], outputs: [], implementation: { container: { image: 'python:3.12', command: ['python3', '-c', { inputValue: 'script' }] } } },
};
