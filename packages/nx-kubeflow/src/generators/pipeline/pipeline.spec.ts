import { logger, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentSpec } from '../../kfp/pipeline-model';
import { checkPipeline } from '../../pipeline/check-pipeline';
import { formatProblem } from '../../pipeline/pipeline-problems';
import { readPipeline } from '../../pipeline/read-pipeline';
import { loadSettings, readSetting } from '../../settings/index';
import { parseComponentSpec } from '../../kfp/component-spec';
import { pipelineGenerator } from './pipeline.impl';

const LOADER = `name: data-loader
inputs:
- {name: rows, type: Integer, default: '200'}
- {name: noise, type: Float, default: '0.1'}
- {name: seed, type: Integer, default: '42'}
outputs:
- {name: dataset, type: Dataset}
- {name: row_count, type: Integer}
implementation:
  container:
    image: data-loader
    command: [python, src/run.py]
    args: [--rows, {inputValue: rows}, --noise, {inputValue: noise}, --seed, {inputValue: seed}, --dataset, {outputPath: dataset}, --row-count, {outputPath: row_count}]
`;
const TRAINER = `name: trainer
inputs:
- {name: dataset, type: Dataset}
- {name: learning_rate, type: Float, default: '0.05'}
- {name: epochs, type: Integer, default: '200'}
- {name: seed, type: Integer, default: '7'}
- {name: notes, type: String, optional: true}
- {name: pipeline_task_name, type: String, default: '{{$.pipeline_task_name}}'}
outputs:
- {name: model, type: Model}
- {name: rmse, type: Float}
implementation:
  container:
    image: trainer
    command: [python, src/run.py]
    args: [--dataset, {inputPath: dataset}, --learning-rate, {inputValue: learning_rate}, --epochs, {inputValue: epochs}, --seed, {inputValue: seed}, --model, {outputPath: model}, --rmse, {outputPath: rmse}]
`;
const EVALUATOR = `name: evaluator
inputs:
- {name: model, type: Model}
- {name: anything, type: Artifact}
- {name: rmse, type: Float}
- {name: threshold, type: Float}
implementation:
  container:
    image: evaluator
    command: [python, src/run.py]
    args: [{inputPath: model}, {inputPath: anything}, {inputValue: rmse}, {inputValue: threshold}]
`;

describe('pipeline generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('components/data-loader/component.yaml', LOADER);
    tree.write('components/trainer/component.yaml', TRAINER);
    tree.write('components/eval/evaluator/component.yaml', EVALUATOR);
  });

  const generate = (components: string, name = 'training') => pipelineGenerator(tree, { name, components });

  it('writes pipeline.yaml, settings, local settings and a README', async () => {
    await generate('data-loader,trainer');
    expect(tree.children('pipelines/training').sort()).toEqual(['README.md', 'config', 'pipeline.yaml']);
    expect(tree.children('pipelines/training/config').sort()).toEqual(['settings.local.toml', 'settings.toml']);
    expect(tree.read('.gitignore', 'utf-8')).toContain('settings.local.toml');
  });

  it('prints the next steps, with the real names, once the files are written', async () => {
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      const printNextSteps = await pipelineGenerator(tree, { name: 'my-pipeline', components: 'data-loader,trainer' });
      expect(info).not.toHaveBeenCalled();
      printNextSteps();
      const text = info.mock.calls.map((call) => String(call[0])).join('\n');
      expect(text).toContain('npx nx run my-pipeline:compile');
      expect(text).toContain('npx nx run my-pipeline:run');
      expect(text).toContain('pipelines/my-pipeline/config/settings.toml');
      expect(text).not.toMatch(/<pipeline>|undefined/);
    } finally {
      info.mockRestore();
    }
  });

  // trainer's pipeline_task_name (a KFP runtime placeholder as default) is no pipeline parameter: compile passes it per task
  it('wires artifacts from the nearest compatible upstream output and parameters from new pipeline parameters', async () => {
    await generate('data-loader,trainer,evaluator');
    expect(tree.read('pipelines/training/pipeline.yaml', 'utf-8')).toBe(`# yaml-language-server: $schema=../../node_modules/nx-kubeflow/src/pipeline/pipeline.schema.json
# The training pipeline. \`nx run training:compile\` checks this file and writes
# KFP v2 IR to dist/pipelines/training/<env>/pipeline.yaml. Parameter defaults can be
# overridden per environment in config/settings.toml under [<env>.parameters].
name: training
description: 'Runs data-loader, trainer, evaluator'
parameters:
  rows: {type: Integer, default: 200}
  noise: {type: Float, default: 0.1}
  seed: {type: Integer, default: 42}
  learning_rate: {type: Float, default: 0.05}
  epochs: {type: Integer, default: 200}
  trainer_seed: {type: Integer, default: 7}
  threshold: {type: Float}
tasks:
  data-loader:
    component: data-loader
    arguments:
      rows: {parameter: rows}
      noise: {parameter: noise}
      seed: {parameter: seed}
  trainer:
    component: trainer
    arguments:
      dataset: {task: data-loader, output: dataset}
      learning_rate: {parameter: learning_rate}
      epochs: {parameter: epochs}
      seed: {parameter: trainer_seed}
  evaluator:
    component: evaluator
    arguments:
      model: {task: trainer, output: model}
      anything: {task: trainer, output: model}
      rmse: {task: trainer, output: rmse}
      threshold: {parameter: threshold}
`);
  });

  it('points the yaml-language-server at the plugin source when the workspace holds it', async () => {
    tree.write('packages/nx-kubeflow/src/pipeline/pipeline.schema.json', '{}');
    await generate('data-loader');
    expect(tree.read('pipelines/training/pipeline.yaml', 'utf-8')!.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../packages/nx-kubeflow/src/pipeline/pipeline.schema.json',
    );
  });

  it('generates a pipeline that passes the checker', async () => {
    await generate('data-loader,trainer,trainer,evaluator');
    const { definition, source, problems } = readPipeline(tree.read('pipelines/training/pipeline.yaml', 'utf-8')!, 'pipelines/training/pipeline.yaml');
    const components = new Map<string, ComponentSpec>(
      (
        [
          ['data-loader', 'components/data-loader/component.yaml'],
          ['trainer', 'components/trainer/component.yaml'],
          ['evaluator', 'components/eval/evaluator/component.yaml'],
        ] as const
      ).map(([name, file]) => [name, parseComponentSpec(tree.read(file, 'utf-8')!, file).spec!]),
    );
    expect(problems).toEqual([]);
    expect(checkPipeline({ definition: definition!, source, components }).map(formatProblem)).toEqual([]);
    expect(definition!.tasks.map((task) => task.name)).toEqual(['data-loader', 'trainer', 'trainer-2', 'evaluator']);
    expect(definition!.tasks[2].arguments['dataset']).toEqual({ kind: 'task-output', task: 'data-loader', output: 'dataset' });
    expect(definition!.tasks[3].arguments['model']).toEqual({ kind: 'task-output', task: 'trainer-2', output: 'model' });
    expect(definition!.tasks[2].arguments['seed']).toEqual({ kind: 'parameter', parameter: 'trainer_seed' });
  });

  it('writes settings.toml with the DESIGN keys, which the settings loader reads per environment', async () => {
    await generate('data-loader');
    const text = tree.read('pipelines/training/config/settings.toml', 'utf-8')!;
    expect(text).toContain('# rows = 200');
    const folder = mkdtempSync(join(tmpdir(), 'nx-kubeflow-pipeline-gen-'));
    try {
      mkdirSync(join(folder, 'config'));
      writeFileSync(join(folder, 'config/settings.toml'), text);
      const development = loadSettings({ files: [join(folder, 'config/settings.toml')], env: 'development', environ: {} }).values;
      expect(readSetting(development, 'kfp')).toEqual({ host: 'local', namespace: '', experiment: 'Default' });
      expect(readSetting(development, 'image')).toEqual({ registry: '', base: 'python:3.11-slim' });
      expect(readSetting(development, 'parameters')).toEqual({});
      expect(readSetting(development, 'deploy')).toEqual({ run: true, wait: true });
      const production = loadSettings({ files: [join(folder, 'config/settings.toml')], env: 'production', environ: {} }).values;
      expect(readSetting(production, 'deploy')).toBeUndefined();
      expect(readSetting(production, 'kfp.host')).toBe('local');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    expect(tree.read('pipelines/training/config/settings.local.toml', 'utf-8')).toContain('[development]');
    expect(tree.read('pipelines/training/README.md', 'utf-8')).toContain('npx nx run training:compile');
  });

  it('refuses unknown components, a bad name and an unwireable artifact input, listing all, writing nothing', async () => {
    await expect(generate('data-loadr,evaluator,nothing', 'Bad_Name')).rejects.toThrow(
      [
        'Cannot create pipeline "Bad_Name"; nothing was written:',
        '  - "Bad_Name" is not a valid pipeline name: use lowercase letters, digits and "-", starting with a letter or digit (at most 128 characters), e.g. training-pipeline.',
        '  - unknown component "data-loadr": no components/**/data-loadr/component.yaml. Components in this workspace: data-loader, evaluator, trainer.',
        '  - unknown component "nothing": no components/**/nothing/component.yaml. Components in this workspace: data-loader, evaluator, trainer.',
      ].join('\n'),
    );
    await expect(generate('evaluator')).rejects.toThrow(
      'input "model" (system.Model) of evaluator has no upstream output to take it from: list a component that outputs a system.Model before evaluator.',
    );
    await expect(generate('')).rejects.toThrow('--components is empty');
    expect(tree.exists('pipelines')).toBe(false);
  });

  it('takes --directory under pipelinesDir, and the folders and target names of nx.json', async () => {
    await pipelineGenerator(tree, { name: 'nightly', components: 'data-loader', directory: 'pipelines/batch/nightly' });
    expect(tree.exists('pipelines/batch/nightly/pipeline.yaml')).toBe(true);
    const errors = await pipelineGenerator(tree, { name: 'x', components: 'data-loader', directory: 'flows/x' }).catch((e: Error) => e.message);
    expect(errors).toContain('--directory "flows/x" is not under pipelines/');
    const misnamed = await pipelineGenerator(tree, { name: 'x', components: 'data-loader', directory: 'pipelines/y' }).catch((e: Error) => e.message);
    expect(misnamed).toContain('must end in the pipeline name "x"');

    updateNxJson(tree, {
      ...readNxJson(tree)!,
      plugins: [{ plugin: 'nx-kubeflow', options: { componentsDir: 'ml/components', pipelinesDir: 'ml/pipelines', compileTargetName: 'ir', runTargetName: 'go' } }],
    });
    tree.rename('components/data-loader/component.yaml', 'ml/components/data-loader/component.yaml');
    tree.rename('components/trainer/component.yaml', 'ml/components/trainer/component.yaml');
    const printNextSteps = await pipelineGenerator(tree, { name: 'ml-training', components: 'data-loader,trainer' });
    expect(tree.exists('ml/pipelines/ml-training/pipeline.yaml')).toBe(true);
    expect(tree.read('ml/pipelines/ml-training/pipeline.yaml', 'utf-8')).toContain('`nx run ml-training:ir`');
    const logged = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      printNextSteps();
      const text = logged.mock.calls.map((call) => String(call[0])).join('\n');
      expect(text).toContain('npx nx run ml-training:ir');
      expect(text).toContain('npx nx run ml-training:go');
    } finally {
      logged.mockRestore();
    }
    // a component outside componentsDir is not one
    const outside = await pipelineGenerator(tree, { name: 'p2', components: 'evaluator' }).catch((e: Error) => e.message);
    expect(outside).toContain('unknown component "evaluator": no ml/components/**/evaluator/component.yaml');
  });

  it('refuses a name a project already uses, and a broken component.yaml', async () => {
    tree.write('components/broken/component.yaml', 'name: broken\n');
    await expect(generate('broken', 'trainer')).rejects.toThrow(
      /A project named "trainer" already exists \(components\/trainer\)[\s\S]*components\/broken\/component\.yaml: implementation\.container: is required/,
    );
    await generate('data-loader', 'p');
    await expect(generate('data-loader', 'p')).rejects.toThrow('A project named "p" already exists (pipelines/p)');
  });
});
