/** Container images of components: engines, staged contexts, content hashes, image.json (see README.md). */
export { buildComponentImage, planComponentImage, ImageBuildError } from './build-component-image';
export type { BuildComponentImageOptions, PlanComponentImageOptions, ComponentImagePlan } from './build-component-image';
export { readImageRecord, imageRecordPath } from './image-record';
export type { ImageRecord } from './image-record';
export { createEngine, selectEngine, isEngineName, EngineSelectionError } from './engines/select-engine';
export { ENGINE_NAMES, EngineCommandError } from './engines/container-engine';
export type {
  ContainerEngine,
  EngineName,
  EngineProbe,
  BuildRequest,
  BuildResult,
  RunRequest,
  Mount,
  ImageDetails,
  LineListener,
  EngineRemoteState,
} from './engines/container-engine';
export { remoteTagState } from './registry/remote-tag';
export type { RemoteTagState, RemoteTagOptions } from './registry/remote-tag';
export { parseImageReference, repositoryOf } from './registry/image-reference';
