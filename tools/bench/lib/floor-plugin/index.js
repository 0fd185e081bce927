// The cheapest Nx plugin that can stand where nx-kubeflow stands
// (graph-inference.mjs, the "floor" tree): installed like it (a real folder
// in node_modules, plain JS, no dependencies) and shaped like it (a createNodesV2
// that Nx hands one marker file per component, and a createDependencies), but
// doing no work: every marker gets an empty result, no edge is returned. What
// such a plugin costs over plain project.json files is what Nx 22 charges any
// plugin of that shape: a worker process, the glob and minimatch over the
// matched files, both hooks' messages (createDependencies' context holds the
// whole file map) and the merge of 1,000 empty results.
//
// Why the component.yaml files and not a glob that matches nothing: a plugin
// that infers these components has to be handed at least one file per
// component; a pattern that matches nothing would leave out the per-file
// costs every such plugin pays (and Nx would still start the worker).
//
// BENCH_FLOOR_HOOKS=createNodes leaves out createDependencies, to show that
// hook's share (plugin workers inherit the environment of the nx command).
// BENCH_FLOOR_REPORT=<file>: write there how many files Nx handed createNodes,
// so the bench can check the plugin was loaded and given every component
// (untimed runs only).
const hooks = (process.env.BENCH_FLOOR_HOOKS ?? 'createNodes,createDependencies').split(',');
const report = process.env.BENCH_FLOOR_REPORT;

exports.name = 'nx-bench-floor';
exports.createNodesV2 = [
  '**/component.yaml',
  async (files) => {
    if (report) require('node:fs').writeFileSync(report, String(files.length));
    return files.map((file) => [file, {}]);
  },
];
if (hooks.includes('createDependencies')) exports.createDependencies = () => [];
