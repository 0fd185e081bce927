/**
 * Importer tasks against the pipeline's parameters: the artifact_uri
 * parameter exists and is a String (kfp passes it to the importer's String
 * input uri), and every {parameter: p} in the metadata names a pipeline
 * parameter that is a value, not an artifact input.
 */
import { isArtifactTypeName, type PipelineDefinition, type PipelineTask } from '../kfp/pipeline-model';
import { metadataParameter } from '../kfp/importer';
import type { PipelineProblem } from './pipeline-problems';
import type { YamlPath, YamlSource } from './yaml-source';

export function checkImporters(definition: PipelineDefinition, source: YamlSource): PipelineProblem[] {
  const problems: PipelineProblem[] = [];
  const report = (task: PipelineTask, path: YamlPath, message: string) => {
    const { line, column } = source.positionOf([...(task.yamlPath ?? ['tasks', task.name]), ...path], 'value');
    const field = path.reduce<string>((all, s) => (typeof s === 'number' ? `${all}[${s}]` : all ? `${all}.${s}` : s), '');
    problems.push({ file: definition.file, line, column, task: task.name, field, message });
  };
  const known = definition.parameters.map((parameter) => parameter.name).join(', ') || '(none: add it under parameters:)';
  const check = (task: PipelineTask, name: string, path: YamlPath, what: string, wants?: string) => {
    const parameter = definition.parameters.find((candidate) => candidate.name === name);
    if (!parameter) report(task, path, `unknown pipeline parameter "${name}"; declared parameters: ${known}.`);
    else if (isArtifactTypeName(parameter.type)) report(task, path, `pipeline parameter "${name}" is an artifact input (${parameter.type}): ${what} takes a value.`);
    else if (wants && parameter.type !== wants) report(task, path, `pipeline parameter "${name}" has type ${parameter.type}: ${what} takes a ${wants}.`);
  };
  for (const task of definition.tasks) {
    const importer = task.importer;
    if (!importer) continue;
    if (importer.artifact_uri.kind === 'parameter') check(task, importer.artifact_uri.parameter, ['importer', 'artifact_uri', 'parameter'], 'artifact_uri', 'String');
    const walk = (value: unknown, path: YamlPath) => {
      const parameter = metadataParameter(value);
      if (parameter !== undefined) check(task, parameter, [...path, 'parameter'], 'metadata');
      else if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index]));
      else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    };
    walk(importer.metadata, ['importer', 'metadata']);
  }
  return problems;
}
