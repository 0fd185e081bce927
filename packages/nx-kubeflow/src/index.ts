export { createNodes, createNodesV2 } from './graph/create-nodes';
export { createDependencies } from './graph/create-dependencies';
export type { NxKubeflowPluginOptions } from './plugin/plugin-options';
