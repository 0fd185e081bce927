/**
 * The run graph the page draws: the tasks and groups of the IR the run
 * executed, each with its state from run.json, laid out by elkjs (layered,
 * groups as compound nodes). Coordinates come back absolute, so the page only
 * draws rectangles and paths. A loop's task is drawn once, with the states of
 * its iterations summed up (run.json has a record per iteration,
 * <loop>-iteration-<i>/<task>).
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { IrPipeline } from '../local-runner/ir-reader';
import type { RunRecordData, TaskRecord, TaskState } from '../local-runner/run-record';

export type GroupKind = 'condition' | 'exit-handler' | 'loop';

export interface GraphTask {
  kind: 'task';
  id: string;
  name: string;
  componentName: string;
  /** Its innermost group (condition, exit handler or loop). */
  parent?: string;
  state: TaskState;
  durationMs?: number;
  attempts: number;
  cached: boolean;
  error?: string;
  /** For a task inside a loop: its iterations' records, by name, and how many are in each state. */
  iterations?: { names: string[]; byState: Record<string, number> };
}

export interface GraphGroup {
  kind: GroupKind;
  id: string;
  name: string;
  parent?: string;
  /** The group record's state (ConditionState, LoopState or the exit handler's). */
  state: string;
  /** The condition text, or for a loop its iteration count. */
  detail?: string;
  error?: string;
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
}

export interface RunGraph {
  tasks: GraphTask[];
  groups: GraphGroup[];
  edges: GraphEdge[];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutRunGraph extends RunGraph {
  width: number;
  height: number;
  boxes: Record<string, Box>;
  /** Each edge as a polyline: start, bend points, end. */
  paths: Record<string, { x: number; y: number }[]>;
}

const TASK_WIDTH = 200;
const TASK_HEIGHT = 60;

/** A loop's iteration records for one of its tasks: <loop>-iteration-<i>/<task> (and deeper for nested loops). */
function iterationRecords(record: RunRecordData, taskName: string): TaskRecord[] {
  return record.tasks.filter((task) => task.name.endsWith(`/${taskName}`) && /-iteration-\d+\//.test(task.name));
}

/** One state for many iterations: any running is running, any failure is a failure, all done is done. */
export function summedState(states: TaskState[]): TaskState {
  if (states.length === 0) return 'PENDING';
  for (const state of ['RUNNING', 'FAILED', 'CANCELLED'] as const) if (states.includes(state)) return state;
  if (states.includes('PENDING')) return 'PENDING';
  if (states.every((state) => state === 'SKIPPED')) return 'SKIPPED';
  if (states.every((state) => state === 'CACHED')) return 'CACHED';
  return 'SUCCEEDED';
}

export function runGraph(ir: IrPipeline, record: RunRecordData): RunGraph {
  const conditionGroups = new Map(ir.groups.map((group) => [group.name, group]));
  const loops = new Map((ir.loops ?? []).map((loop) => [loop.name, loop]));
  /** The innermost of a condition group and a loop an element sits in (a condition inside the loop, or the loop inside the condition). */
  const innermost = (group: string | undefined, loop: string | undefined): string | undefined => {
    if (!group) return loop;
    if (!loop) return group;
    return conditionGroups.get(group)?.loop === loop ? group : loop;
  };

  const groups: GraphGroup[] = [];
  for (const group of ir.groups) {
    const kind: GroupKind = group.kind === 'exit-handler' ? 'exit-handler' : 'condition';
    const groupRecord =
      kind === 'exit-handler'
        ? record.exitHandlers?.find((handler) => handler.name === group.name)
        : record.conditions?.find((condition) => condition.name === group.name);
    groups.push({
      kind,
      id: `group:${group.name}`,
      name: group.name,
      ...(innermost(group.parent, group.loop) ? { parent: `group:${innermost(group.parent, group.loop)}` } : {}),
      state: groupRecord?.state ?? 'PENDING',
      ...(group.condition ? { detail: group.condition } : {}),
      ...(groupRecord?.error ? { error: groupRecord.error } : {}),
    });
  }
  for (const loop of loops.values()) {
    const loopRecord = record.loops?.find((candidate) => candidate.name === loop.name);
    const parent = innermost(loop.parent, loop.loop);
    groups.push({
      kind: 'loop',
      id: `group:${loop.name}`,
      name: loop.name,
      ...(parent ? { parent: `group:${parent}` } : {}),
      state: loopRecord?.state ?? 'PENDING',
      ...(loopRecord ? { detail: `${loopRecord.iterations.length} iteration(s)` } : {}),
      ...(loopRecord?.error ? { error: loopRecord.error } : {}),
    });
  }

  const tasks: GraphTask[] = ir.tasks.map((task) => {
    const parent = innermost(task.group, task.loop);
    const base = { kind: 'task' as const, id: `task:${task.name}`, name: task.name, componentName: task.componentName, ...(parent ? { parent: `group:${parent}` } : {}) };
    if (task.loop) {
      const records = iterationRecords(record, task.name);
      const byState: Record<string, number> = {};
      for (const iteration of records) byState[iteration.state] = (byState[iteration.state] ?? 0) + 1;
      return {
        ...base,
        state: summedState(records.map((iteration) => iteration.state)),
        attempts: records.reduce((sum, iteration) => sum + iteration.attempts, 0),
        cached: records.length > 0 && records.every((iteration) => iteration.cached),
        iterations: { names: records.map((iteration) => iteration.name), byState },
      };
    }
    const taskRecord = record.tasks.find((candidate) => candidate.name === task.name);
    return {
      ...base,
      state: taskRecord?.state ?? 'PENDING',
      ...(taskRecord?.durationMs !== undefined ? { durationMs: taskRecord.durationMs } : {}),
      attempts: taskRecord?.attempts ?? 0,
      cached: taskRecord?.cached ?? false,
      ...(taskRecord?.error ? { error: taskRecord.error } : {}),
    };
  });

  // dependsOn lists an element's own group first: that is containment, drawn as nesting, not an edge
  const ancestors = (id: string): Set<string> => {
    const found = new Set<string>();
    const parentOf = new Map([...groups, ...tasks].map((element) => [element.id, element.parent]));
    for (let parent = parentOf.get(id); parent && !found.has(parent); parent = parentOf.get(parent)) found.add(parent);
    return found;
  };
  const idOf = (name: string) => (conditionGroups.has(name) || loops.has(name) ? `group:${name}` : `task:${name}`);
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const dependencies: [string, string[]][] = [
    ...ir.tasks.map((task): [string, string[]] => [`task:${task.name}`, task.dependsOn]),
    ...ir.groups.map((group): [string, string[]] => [`group:${group.name}`, group.dependsOn]),
    ...[...loops.values()].map((loop): [string, string[]] => [`group:${loop.name}`, loop.dependsOn]),
  ];
  for (const [to, dependsOn] of dependencies) {
    const outer = ancestors(to);
    for (const name of dependsOn) {
      const from = idOf(name);
      const id = `${from}->${to}`;
      if (outer.has(from) || from === to || seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, from, to });
    }
  }
  return { tasks, groups, edges };
}

const elk = new ELK();

/** Lays the graph out top to bottom; groups are compound nodes whose children elk places inside them. */
export async function layoutRunGraph(graph: RunGraph): Promise<LaidOutRunGraph> {
  const children = new Map<string | undefined, ElkNode[]>();
  const nodeOf = new Map<string, ElkNode>();
  for (const group of graph.groups) {
    const node: ElkNode = {
      id: group.id,
      layoutOptions: { 'elk.padding': '[top=36,left=12,bottom=12,right=12]' },
      children: [],
    };
    nodeOf.set(group.id, node);
  }
  for (const task of graph.tasks) nodeOf.set(task.id, { id: task.id, width: TASK_WIDTH, height: TASK_HEIGHT });
  for (const element of [...graph.groups, ...graph.tasks]) {
    const list = children.get(element.parent) ?? [];
    list.push(nodeOf.get(element.id)!);
    children.set(element.parent, list);
  }
  for (const group of graph.groups) nodeOf.get(group.id)!.children = children.get(group.id) ?? [];
  // an empty group still needs a size to be drawn
  for (const group of graph.groups) {
    const node = nodeOf.get(group.id)!;
    if (node.children!.length === 0) Object.assign(node, { width: TASK_WIDTH, height: 40 });
  }
  const edges: ElkExtendedEdge[] = graph.edges.map((edge) => ({ id: edge.id, sources: [edge.from], targets: [edge.to] }));
  const root: ElkNode = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '30',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: children.get(undefined) ?? [],
    edges,
  });
  const boxes: Record<string, Box> = {};
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      boxes[child.id] = { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 };
      visit(child);
    }
  };
  visit(root);
  const paths: LaidOutRunGraph['paths'] = {};
  const collectEdges = (node: ElkNode) => {
    for (const edge of (node.edges ?? []) as ElkExtendedEdge[]) {
      const section = edge.sections?.[0];
      if (section) paths[edge.id] = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(({ x, y }) => ({ x, y }));
    }
    for (const child of node.children ?? []) collectEdges(child);
  };
  collectEdges(root);
  return { ...graph, width: root.width ?? 0, height: root.height ?? 0, boxes, paths };
}
