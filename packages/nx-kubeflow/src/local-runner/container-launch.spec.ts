import { BuildahLauncher, DockerLauncher } from './container-launch';

const request = {
  image: 'localhost/trainer:0123456789abcdef',
  argv: ['python', 'src/run.py', '--rows', '5'],
  env: { ENV_FOR_DYNACONF: 'development', PIPELINE_SETTINGS_TOML: 'a = 1\nb = "two"\n' },
  mounts: ['/w/dist/runs/p/r1'],
  name: 'nx-kubeflow-r1-train-1',
};

describe('container launchers', () => {
  it('docker: the task command replaces the entrypoint, the run folder is mounted at its own path, only the task env goes in', async () => {
    const launch = await new DockerLauncher().launch(request);
    expect(launch.command).toBe('docker');
    const args = launch.args;
    expect(args.slice(0, 4)).toEqual(['run', '--rm', '--name', 'nx-kubeflow-r1-train-1']);
    expect(args).toEqual(expect.arrayContaining(['--volume', '/w/dist/runs/p/r1:/w/dist/runs/p/r1', '--network', 'host']));
    // values travel in the client's environment, not its argv
    expect(args).toEqual(expect.arrayContaining(['--env', 'ENV_FOR_DYNACONF', '--env', 'PIPELINE_SETTINGS_TOML']));
    expect(args.filter((arg) => arg === '--env')).toHaveLength(2);
    expect(args.join(' ')).not.toContain('development');
    expect(launch.env).toMatchObject(request.env);
    expect(args.slice(-5)).toEqual(['python', 'localhost/trainer:0123456789abcdef', 'src/run.py', '--rows', '5']);
    expect(args[args.length - 6]).toBe('--entrypoint');
  });

  it('podman takes the same command line under its own name', async () => {
    expect((await new DockerLauncher('podman').launch(request)).command).toBe('podman');
  });

  it('buildah: reports an image it cannot use, naming it', async () => {
    // a program that always fails stands in for buildah's `from`
    const launcher = new BuildahLauncher([], 'false');
    await expect(launcher.launch(request)).rejects.toThrow('buildah could not make a container of localhost/trainer:0123456789abcdef: exit code 1');
  });
});
