/**
 * Task resources as kfp writes them (pipeline_spec_builder
 * build_container_spec_for_task): the string fields resource* that newer
 * backends read, and the deprecated numeric fields (CPU in cores, memory in
 * GB as a float) that older KFP installations read. Accelerator likewise:
 * resourceType/resourceCount plus the deprecated type/count (an int64, so a
 * string in JSON).
 */
import type { TaskResources } from './pipeline-model';
import { Double } from './ir-values';
import type { ReportProblem } from './ir-compile-error';

const CPU = /^([0-9]*[.])?[0-9]+m?$/;
const MEMORY = /^[0-9]+(E|Ei|P|Pi|T|Ti|G|Gi|M|Mi|K|Ki)?$/;

/** Bytes per unit, divided by 10^9 as kfp's _memory_to_float does. */
const MEMORY_UNITS: Record<string, number> = {
  E: 10 ** 18,
  Ei: 2 ** 60,
  P: 10 ** 15,
  Pi: 2 ** 50,
  T: 10 ** 12,
  Ti: 2 ** 40,
  G: 10 ** 9,
  Gi: 2 ** 30,
  M: 10 ** 6,
  Mi: 2 ** 20,
  K: 10 ** 3,
  Ki: 2 ** 10,
};

export function cpuToFloat(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu);
}

export function memoryToFloat(memory: string): number {
  const [, digits, unit] = /^([0-9]+)([A-Za-z]*)$/.exec(memory) as RegExpExecArray;
  if (unit === 'G') return Number(digits);
  // Same operation order as Python (float * int / int) so the doubles are identical.
  return unit ? (Number(digits) * MEMORY_UNITS[unit]) / 10 ** 9 : Number(digits) / 10 ** 9;
}

type Resources = Record<string, unknown>;

export function containerResources(resources: TaskResources | undefined, report: ReportProblem): Resources | undefined {
  if (!resources) return undefined;
  const out: Resources = {};
  const add = (key: 'cpu_request' | 'cpu_limit' | 'memory_request' | 'memory_limit', irKey: string) => {
    const value = resources[key];
    if (value === undefined) return;
    const isCpu = key.startsWith('cpu');
    if (!(isCpu ? CPU : MEMORY).test(String(value))) {
      report(`resources.${key}`, isCpu ? 'must be a number, or an integer followed by "m"' : 'must be a number, optionally followed by E, Ei, P, Pi, T, Ti, G, Gi, M, Mi, K or Ki');
      return;
    }
    out[`resource${irKey}`] = String(value);
    const numeric = isCpu ? cpuToFloat(String(value)) : memoryToFloat(String(value));
    // proto3 leaves a zero double out of its JSON form
    if (numeric !== 0) out[irKey.charAt(0).toLowerCase() + irKey.slice(1)] = new Double(numeric);
  };
  add('cpu_request', 'CpuRequest');
  add('cpu_limit', 'CpuLimit');
  add('memory_request', 'MemoryRequest');
  add('memory_limit', 'MemoryLimit');
  const accelerator = acceleratorConfig(resources.accelerator, report);
  if (accelerator) out.accelerator = accelerator;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** set_accelerator_type implies a count of 1 unless set_accelerator_limit says otherwise. */
function acceleratorConfig(accelerator: TaskResources['accelerator'], report: ReportProblem): Resources | undefined {
  if (!accelerator) return undefined;
  const count = accelerator.count ?? 1;
  if (!Number.isInteger(count) || count < 0) {
    report('resources.accelerator.count', 'must be a non-negative integer');
    return undefined;
  }
  const config: Resources = { resourceType: accelerator.type, resourceCount: String(count), type: accelerator.type };
  if (count !== 0) config.count = String(count); // int64 zero is proto3's default: left out
  return config;
}
