/** The task graph of a pipeline: data and `after` edges, and the cycles in it. */
import type { YamlPath } from './yaml-source';

/** `from` waits for `to`, declared at `path` inside task `from`. */
export interface DependencyEdge {
  from: string;
  to: string;
  path: YamlPath;
  field: string;
}

/**
 * One cycle per strongly connected component that has one (Tarjan), each as
 * the edges around it starting from the task that comes first in the file.
 * Deterministic: tasks and edges are taken in declaration order.
 */
export function findCycles(tasks: readonly string[], edges: readonly DependencyEdge[]): DependencyEdge[][] {
  const order = new Map(tasks.map((task, index) => [task, index]));
  const outgoing = new Map<string, DependencyEdge[]>(tasks.map((task) => [task, []]));
  for (const edge of edges) outgoing.get(edge.from)?.push(edge);

  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (task: string) => {
    index.set(task, counter);
    lowLink.set(task, counter);
    counter++;
    stack.push(task);
    onStack.add(task);
    for (const edge of outgoing.get(task) ?? []) {
      if (!index.has(edge.to)) {
        visit(edge.to);
        lowLink.set(task, Math.min(lowLink.get(task)!, lowLink.get(edge.to)!));
      } else if (onStack.has(edge.to)) {
        lowLink.set(task, Math.min(lowLink.get(task)!, index.get(edge.to)!));
      }
    }
    if (lowLink.get(task) === index.get(task)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== task);
      components.push(component);
    }
  };
  for (const task of tasks) if (!index.has(task)) visit(task);

  const cycles: DependencyEdge[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort((a, b) => order.get(a)! - order.get(b)!)[0];
    const selfLoop = (outgoing.get(start) ?? []).find((edge) => edge.to === start);
    if (component.length === 1 && !selfLoop) continue;
    cycles.push(selfLoop && component.length === 1 ? [selfLoop] : cycleThrough(start, members, outgoing));
  }
  return cycles.sort((a, b) => order.get(a[0].from)! - order.get(b[0].from)!);
}

/** A shortest path of edges from `start` back to itself inside one strongly connected component (BFS). */
function cycleThrough(start: string, members: Set<string>, outgoing: Map<string, DependencyEdge[]>): DependencyEdge[] {
  const cameBy = new Map<string, DependencyEdge>();
  const queue = [start];
  while (queue.length > 0) {
    const task = queue.shift()!;
    for (const edge of outgoing.get(task) ?? []) {
      if (!members.has(edge.to)) continue;
      if (edge.to === start) {
        const path = [edge];
        for (let at = task; at !== start; at = cameBy.get(at)!.from) path.unshift(cameBy.get(at)!);
        return path;
      }
      if (!cameBy.has(edge.to)) {
        cameBy.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
  }
  return [];
}
