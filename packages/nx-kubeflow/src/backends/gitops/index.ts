export { GitOpsBackend, type GitOpsBackendOptions } from './gitops-backend';
export { kubeflowResources, kubeflowResourcesYaml, KFP_CRD_API_VERSION, type KubeflowResourcesRequest, type KubernetesResource } from './kubeflow-resources';
export { pipelineResourceName, versionResourceName } from './kubernetes-names';
