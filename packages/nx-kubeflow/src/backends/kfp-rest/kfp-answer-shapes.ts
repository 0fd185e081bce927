/**
 * What the v2beta1 answers this backend reads must look like, field by
 * field, for the fields it uses. A 200 is not proof that the KFP API
 * answered: a proxy's page, a wrong kfp.host or a broken server can answer
 * 200 with a list field that is a string, or an id that is a number. Each
 * answer is checked where it is read, so such a body fails with what is
 * wrong in it instead of a TypeError deep inside deploy. Fields the backend
 * does not read are not checked, and any field may be absent (proto3 drops
 * empty values), as the swagger allows.
 */

export type FieldKind = 'string' | 'number' | 'boolean' | 'object' | { object: Shape } | { list: Shape };
export interface Shape {
  [field: string]: FieldKind;
}

/** google.rpc.Status inside a run or task: only its message is read. */
const errorStatus: Shape = { message: 'string' };

export const PIPELINE: Shape = { pipeline_id: 'string', name: 'string', display_name: 'string', description: 'string', namespace: 'string' };

export const PIPELINE_VERSION: Shape = {
  pipeline_id: 'string',
  pipeline_version_id: 'string',
  name: 'string',
  display_name: 'string',
  description: 'string',
  pipeline_spec: 'object',
  tags: 'object',
};

export const EXPERIMENT: Shape = { experiment_id: 'string', display_name: 'string', namespace: 'string' };

const VERSION_REFERENCE: Shape = { pipeline_id: 'string', pipeline_version_id: 'string' };

const TASK_DETAIL: Shape = {
  task_id: 'string',
  display_name: 'string',
  state: 'string',
  start_time: 'string',
  end_time: 'string',
  error: { object: errorStatus },
  state_history: { list: { state: 'string' } },
};

export const RUN: Shape = {
  run_id: 'string',
  experiment_id: 'string',
  display_name: 'string',
  state: 'string',
  pipeline_version_reference: { object: VERSION_REFERENCE },
  pipeline_spec: 'object',
  error: { object: errorStatus },
  run_details: { object: { task_details: { list: TASK_DETAIL } } },
};

export const RECURRING_RUN: Shape = {
  recurring_run_id: 'string',
  display_name: 'string',
  status: 'string',
  mode: 'string',
  pipeline_version_reference: { object: VERSION_REFERENCE },
  runtime_config: { object: { parameters: 'object' } },
  trigger: { object: { cron_schedule: { object: { cron: 'string' } }, periodic_schedule: { object: { interval_second: 'string' } } } },
};

/** Any JSON object: healthz, and the empty answers of enable, disable and delete. */
export const ANY_OBJECT: Shape = {};

/** One page of a list: `key` holds the items, next_page_token the next page. */
export function listPage(key: string, item: Shape): Shape {
  return { [key]: { list: item }, next_page_token: 'string', total_size: 'number' };
}

/** Every way `body` differs from `shape`, each naming the field by its path (run_details.task_details[2].state). */
export function shapeProblems(body: unknown, shape: Shape, at = ''): string[] {
  if (!isObject(body)) return [`${at || 'the body'} is ${describe(body)}, not an object`];
  const problems: string[] = [];
  for (const [field, kind] of Object.entries(shape)) {
    if (!Object.prototype.hasOwnProperty.call(body, field)) continue;
    const value = body[field];
    if (value === null || value === undefined) continue;
    const path = at ? `${at}.${field}` : field;
    problems.push(...kindProblems(value, kind, path));
    if (problems.length >= 5) break; // enough to see what answered
  }
  return problems.slice(0, 5);
}

function kindProblems(value: unknown, kind: FieldKind, path: string): string[] {
  if (kind === 'string' || kind === 'boolean' || kind === 'number') {
    return typeof value === kind ? [] : [`${path} is ${describe(value)}, not a ${kind}`];
  }
  if (kind === 'object') return isObject(value) ? [] : [`${path} is ${describe(value)}, not an object`];
  if ('object' in kind) return shapeProblems(value, kind.object, path);
  if (!Array.isArray(value)) return [`${path} is ${describe(value)}, not a list`];
  return value.flatMap((item, index) => shapeProblems(item, kind.list, `${path}[${index}]`));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value's kind and a glimpse of it, short: a body may be large and is the server's. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `a ${typeof value} (${text.length > 40 ? `${text.slice(0, 40)}...` : text})`;
}
