import { addProjectConfiguration, logger, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse as parseYaml } from 'yaml';
import { parse as parseToml } from 'smol-toml';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsTree } from 'nx/src/generators/tree';
import { pluginPackage } from '../init/lib/plugin-package';
import { parseComponentSpec } from '../../kfp/component-spec';
import { ioTypeOf } from '../../kfp/io-types';
import { componentGenerator } from './component';

describe('component generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('packages/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
  });

  it('prints the next steps, with the real names, once the files are written', async () => {
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      const printNextSteps = await componentGenerator(tree, { name: 'feature-maker' });
      expect(info).not.toHaveBeenCalled();
      printNextSteps();
      const text = info.mock.calls.map((call) => String(call[0])).join('\n');
      expect(text).toContain('components/feature-maker/src/lib/feature_maker.py');
      expect(text).toContain('npx nx run feature-maker:test');
      expect(text).toContain('--components feature-maker');
      expect(text).not.toMatch(/<component>|undefined/);
    } finally {
      info.mockRestore();
    }
  });

  it('writes the standard component layout', async () => {
    await componentGenerator(tree, { name: 'data-loader' });
    for (const file of [
      'component.yaml',
      'config/settings.toml',
      'config/settings.local.toml',
      'src/run.py',
      'src/lib/__init__.py',
      'src/lib/data_loader.py',
      'tests/test_run.py',
      'pyproject.toml',
      'Dockerfile',
      'README.md',
    ]) {
      expect(tree.exists(`components/data-loader/${file}`)).toBe(true);
    }
  });

  it('shapes component.yaml from --inputs and --outputs, with placeholders by kind', async () => {
    await componentGenerator(tree, {
      name: 'trainer',
      description: "Trains the team's model",
      inputs: 'dataset:Dataset,learning_rate:Float=0.01',
      outputs: 'model:Model,accuracy:Float',
    });
    const spec = parseYaml(tree.read('components/trainer/component.yaml', 'utf-8')!);
    expect(spec).toEqual({
      name: 'trainer',
      description: "Trains the team's model",
      inputs: [
        { name: 'dataset', type: 'Dataset' },
        { name: 'learning_rate', type: 'Float', default: '0.01' },
        // the task's name: KFP's driver resolves the placeholder only as a task input value
        { name: 'pipeline_task_name', type: 'String', default: '{{$.pipeline_task_name}}' },
      ],
      outputs: [
        { name: 'model', type: 'Model' },
        { name: 'accuracy', type: 'Float' },
      ],
      implementation: {
        container: {
          image: 'trainer',
          command: ['python', 'src/run.py'],
          args: [
            '--executor-input', { executorInput: null },
            // the run's: args, so KFP's cache key stays the same from run to run
            '--pipeline-job-name', '{{$.pipeline_job_name}}',
            '--pipeline-job-uuid', '{{$.pipeline_job_uuid}}',
            '--pipeline-task-name', { inputValue: 'pipeline_task_name' },
            '--dataset', { inputPath: 'dataset' },
            '--learning-rate', { inputValue: 'learning_rate' },
            '--model', { outputPath: 'model' },
            '--accuracy', { outputPath: 'accuracy' },
          ],
        },
      },
    });
  });

  it('takes a PipelineTaskFinalStatus input as KFP passes it: a JSON object by value, optional, no default', async () => {
    await componentGenerator(tree, { name: 'notifier', inputs: 'message:String,status:PipelineTaskFinalStatus', outputs: 'report:Markdown' });
    const spec = parseYaml(tree.read('components/notifier/component.yaml', 'utf-8')!);
    // kfp's loader makes it optional anyway; written out so `nx g pipeline` leaves it unwired and readers see KFP fills it
    expect(spec.inputs[1]).toEqual({ name: 'status', type: 'PipelineTaskFinalStatus', optional: true });
    const args = spec.implementation.container.args;
    expect(args.slice(args.indexOf('--status'), args.indexOf('--status') + 2)).toEqual(['--status', { inputValue: 'status' }]);
    const { spec: loaded, problems } = parseComponentSpec(tree.read('components/notifier/component.yaml', 'utf-8')!, 'component.yaml');
    expect(problems).toEqual([]);
    // what the compiler makes of it: KFP's TASK_FINAL_STATUS parameter, not an artifact
    expect(ioTypeOf(loaded!.inputs[1].type)).toMatchObject({ kind: 'parameter', irType: 'TASK_FINAL_STATUS' });

    const run = tree.read('components/notifier/src/run.py', 'utf-8')!;
    expect(run).toContain('type=parameter_parser("PipelineTaskFinalStatus"),\n        default=None,');
    expect(run).toContain('status=args.status,');
    expect(tree.read('components/notifier/src/lib/notifier.py', 'utf-8')).toContain('status: dict[str, Any] | None,');
    // the generated test passes what KFP's driver gives an exit task (protojson names)
    expect(tree.read('components/notifier/tests/test_run.py', 'utf-8')).toContain(
      '\'{"state": "SUCCEEDED", "pipelineJobResourceName": "example-run", "pipelineTaskName": "exit-handler-1", "error": {}}\',',
    );
  });

  it('parses every input in run.py and exercises every output in the test', async () => {
    await componentGenerator(tree, {
      name: 'trainer',
      inputs: 'dataset:Dataset,learning_rate:Float=0.01,epochs:Integer',
      outputs: 'model:Model,accuracy:Float,report:JsonObject',
    });
    const run = tree.read('components/trainer/src/run.py', 'utf-8')!;
    expect(run).toContain('"--learning-rate",');
    expect(run).toContain('default="0.01",');
    expect(run).toContain('type=parameter_parser("Integer"),\n        required=True');
    expect(run).toContain('write_output_parameter(args.accuracy, outputs["accuracy"])');
    expect(run).toContain('model=output_artifact_path(args.model)');
    const test = tree.read('components/trainer/tests/test_run.py', 'utf-8')!;
    expect(test).toContain('assert (outputs / "model").exists()');
    expect(test).toContain('assert float((outputs / "accuracy").read_text()) == 0.0');
    expect(test).toContain('assert json.loads((outputs / "report").read_text()) == {}');
    expect(test).not.toMatch(/&#3[49];/);
  });

  it('points pyproject at component-runtime relative to the component folder', async () => {
    await componentGenerator(tree, { name: 'scorer', directory: 'components/eval/scorer' });
    const pyproject = parseToml(tree.read('components/eval/scorer/pyproject.toml', 'utf-8')!) as any;
    expect(pyproject.project.name).toBe('scorer-component');
    expect(pyproject.project.dependencies).toContain('component-runtime');
    expect(pyproject.tool.uv.sources['component-runtime'].path).toBe('../../../packages/component-runtime');
    expect(pyproject.tool.pytest.ini_options.pythonpath).toEqual(['src']);
  });

  it('writes a Dockerfile that builds from the staged context and takes index credentials as build secrets', async () => {
    await componentGenerator(tree, { name: 'data-loader' });
    const dockerfile = tree.read('components/data-loader/Dockerfile', 'utf-8')!;
    expect(dockerfile).toContain('ARG BASE_IMAGE=');
    expect(dockerfile).toContain('COPY packages/ /opt/packages/');
    expect(dockerfile).toContain('COPY component/src/ src/');
    expect(dockerfile).toContain('--mount=type=secret,id=pip_index_url');
    expect(dockerfile).toContain('--mount=type=secret,id=pip_extra_index_url');
    // Credentials never as ARG or ENV: those stay in the image history.
    expect(dockerfile).not.toMatch(/^\s*(ARG|ENV)\s+PIP_(EXTRA_)?INDEX_URL/m);
  });

  it('keeps settings.local.toml, secrets, venvs and dist out of git', async () => {
    tree.write('.gitignore', 'node_modules\n.venv\n');
    await componentGenerator(tree, { name: 'scorer' });
    const lines = tree.read('.gitignore', 'utf-8')!.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['settings.local.toml', '.secrets.*', 'dist/']));
    expect(lines.filter((line) => line.startsWith('.venv'))).toHaveLength(1);
  });

  describe("follows nx.json's nx-kubeflow options", () => {
    const setPluginOptions = (options: Record<string, unknown>) =>
      updateNxJson(tree, { ...readNxJson(tree)!, plugins: [{ plugin: 'nx-kubeflow', options }] });

    it('puts the component under componentsDir, points at the runtime under packagesDir, and names its targets', async () => {
      setPluginOptions({ componentsDir: 'ml/components', packagesDir: 'ml/python', testTargetName: 'pytest', dockerBuildTargetName: 'image' });
      tree.write('ml/python/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
      const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
      try {
        (await componentGenerator(tree, { name: 'scorer' }))();
        const text = info.mock.calls.map((call) => String(call[0])).join('\n');
        expect(text).toContain('npx nx run scorer:pytest');
        expect(text).toContain('npx nx run scorer:image');
      } finally {
        info.mockRestore();
      }
      const pyproject = parseToml(tree.read('ml/components/scorer/pyproject.toml', 'utf-8')!) as any;
      expect(pyproject.tool.uv.sources['component-runtime'].path).toBe('../../../ml/python/component-runtime');
      expect(tree.read('ml/components/scorer/Dockerfile', 'utf-8')).toContain('`nx run scorer:image`');
      await expect(componentGenerator(tree, { name: 'other', directory: 'components/other' })).rejects.toThrow(
        '--directory "components/other" is not under ml/components/',
      );
      // names are taken across the configured folders too
      await expect(componentGenerator(tree, { name: 'component-runtime' })).rejects.toThrow('(ml/python/component-runtime)');
    });

    it("pins component-runtime when the workspace has no copy: nx.json's version, else the one the plugin ships", async () => {
      tree.delete('packages/component-runtime');
      setPluginOptions({ componentRuntime: '1.4.2' });
      await componentGenerator(tree, { name: 'pinned' });
      const pinned = parseToml(tree.read('components/pinned/pyproject.toml', 'utf-8')!) as any;
      expect(pinned.project.dependencies).toEqual(['component-runtime==1.4.2', 'dynaconf>=3.2,<4']);
      expect(pinned.tool.uv).toBeUndefined();

      setPluginOptions({ componentRuntime: 'source' });
      const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
      try {
        await componentGenerator(tree, { name: 'fallback' });
        expect(warn.mock.calls.map((call) => String(call[0])).join('\n')).toContain(
          'packages/component-runtime is missing, so fallback depends on the published component-runtime==',
        );
      } finally {
        warn.mockRestore();
      }
      const fallback = parseToml(tree.read('components/fallback/pyproject.toml', 'utf-8')!) as any;
      expect(fallback.project.dependencies[0]).toBe(`component-runtime==${pluginPackage().componentRuntimeVersion}`);

      // the workspace's copy wins over a pinned version while it exists
      tree.write('packages/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
      setPluginOptions({ componentRuntime: '1.4.2' });
      await componentGenerator(tree, { name: 'owned' });
      const owned = parseToml(tree.read('components/owned/pyproject.toml', 'utf-8')!) as any;
      expect(owned.project.dependencies[0]).toBe('component-runtime');
      expect(owned.tool.uv.sources['component-runtime'].path).toBe('../../packages/component-runtime');
    });

    it('refuses a componentRuntime that is neither "source" nor a version, with the other problems', async () => {
      tree.delete('packages/component-runtime');
      setPluginOptions({ componentRuntime: 'latest' });
      const message = await componentGenerator(tree, { name: 'Bad' }).catch((e: Error) => e.message);
      expect(message).toContain('"Bad" is not a valid component name');
      expect(message).toContain(`nx.json: the nx-kubeflow plugin's componentRuntime option is "latest"`);
      expect(tree.exists('components')).toBe(false);
    });
  });

  describe('refuses, writing nothing', () => {
    const changesAfter = async (options: Parameters<typeof componentGenerator>[1]) => {
      const before = tree.listChanges().length;
      await expect(componentGenerator(tree, options)).rejects.toThrow(/nothing was written/);
      return tree.listChanges().length - before;
    };

    it.each(['Trainer', 'my_component', '-lead', 'trail-', 'a'.repeat(64), ''])('the name %j', async (name) => {
      expect(await changesAfter({ name })).toBe(0);
    });

    it('a name an existing project uses, inferred or configured', async () => {
      await componentGenerator(tree, { name: 'trainer' });
      addProjectConfiguration(tree, 'webapp', { root: 'apps/webapp' });
      tree.write('pipelines/training/pipeline.yaml', 'name: training\n');
      for (const name of ['trainer', 'webapp', 'training', 'component-runtime']) {
        await expect(componentGenerator(tree, { name })).rejects.toThrow(`A project named "${name}" already exists`);
      }
    });

    it('every bad input and output at once', async () => {
      const error = await componentGenerator(tree, {
        name: 'trainer',
        inputs: 'dataset:Dataset=x,lr:Float=fast,Bad:String,ok',
        outputs: 'model:Model,dataset:Dataset,acc:Float=1',
      }).catch((e: Error) => e);
      const message = (error as Error).message;
      expect(message).toContain('"dataset" is an artifact (Dataset); only parameters can have a default');
      expect(message).toContain('default of "lr" "fast" is not a Float');
      expect(message).toContain('"Bad" is not a valid name');
      expect(message).toContain('"ok" is not name:Type');
      expect(message).toContain('outputs cannot have one');
      expect(tree.exists('components/trainer')).toBe(false);
    });

    it('a PipelineTaskFinalStatus as an output, with a default, or spelt otherwise', async () => {
      const message = await componentGenerator(tree, {
        name: 'notifier',
        inputs: 'status:PipelineTaskFinalStatus={},other:pipelinetaskfinalstatus',
        outputs: 'passed_on:PipelineTaskFinalStatus',
      }).catch((e: Error) => e.message);
      expect(message).toContain('"status" is a PipelineTaskFinalStatus: KFP fills it with the final status of the tasks it waited for, so it takes no default.');
      expect(message).toContain('"other" has type "pipelinetaskfinalstatus": did you mean PipelineTaskFinalStatus?');
      expect(message).toContain('"passed_on" is a PipelineTaskFinalStatus, which only KFP gives (to an exit task, as an input); a component cannot output one.');
      expect(tree.exists('components/notifier')).toBe(false);
    });

    it('a directory outside components/ or not ending in the name', async () => {
      await expect(componentGenerator(tree, { name: 'scorer', directory: 'libs/scorer' })).rejects.toThrow(
        'is not under components/',
      );
      await expect(componentGenerator(tree, { name: 'scorer', directory: 'components/eval' })).rejects.toThrow(
        'must end in the component name',
      );
    });

    it('a name that is a path, without mentioning a --directory that was never given', async () => {
      const message = await componentGenerator(tree, { name: '../../evil' }).catch((e: Error) => e.message);
      expect(message).toContain('"../../evil" is not a valid component name');
      expect(message).not.toContain('undefined');
      expect(message).not.toContain('--directory');
    });

    it('a type one or two edits from a kfp type, with what it meant', async () => {
      const message = await componentGenerator(tree, { name: 'scorer', inputs: 'data:Datset,n:Integr', outputs: 'model:Modle,report:MyReport' }).catch(
        (e: Error) => e.message,
      );
      expect(message).toContain('"data" has type "Datset": did you mean Dataset?');
      expect(message).toContain('"n" has type "Integr": did you mean Integer?');
      expect(message).toContain('"model" has type "Modle": did you mean Model?');
      expect(message).not.toContain('MyReport'); // a custom type name is kfp's generic Artifact, as intended
      expect(tree.exists('components/scorer')).toBe(false);
    });

    it('a --directory through a symbolic link that leads out of the workspace', async () => {
      const workspace = mkdtempSync(join(tmpdir(), 'component-symlink-'));
      const outside = mkdtempSync(join(tmpdir(), 'component-outside-'));
      try {
        mkdirSync(join(workspace, 'components'));
        symlinkSync(outside, join(workspace, 'components', 'linked'));
        writeFileSync(join(workspace, 'nx.json'), '{}');
        writeFileSync(join(workspace, 'package.json'), '{"name": "w"}');
        const diskTree = new FsTree(workspace, false);
        diskTree.write('packages/component-runtime/pyproject.toml', '[project]\nname = "component-runtime"\n');
        const message = await componentGenerator(diskTree, { name: 'x', directory: 'components/linked/x' }).catch((e: Error) => e.message);
        expect(message).toContain(`components/linked is a symbolic link to ${realpathSync(outside)}, outside the workspace`);
        expect(diskTree.listChanges().filter((change) => change.path.startsWith('components/'))).toEqual([]);
      } finally {
        rmSync(workspace, { recursive: true, force: true });
        rmSync(outside, { recursive: true, force: true });
      }
    });
  });
});
