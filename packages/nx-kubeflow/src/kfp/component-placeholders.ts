/**
 * Checks the command-line placeholders of a component.yaml as kfp does when it
 * loads the file and when a task is created from it: each names an existing
 * input or output, pairs with the right kind of I/O (inputValue only for
 * parameters, inputPath/inputUri/outputUri only for artifacts), and uses only
 * the shapes kfp's converter handles.
 */
import type { CommandLineItem, ComponentSpec } from './pipeline-model';
import { ioTypeOf } from './io-types';

type Report = (field: string, message: string) => void;
type Dict = Record<string, unknown>;

const INPUT_KINDS = ['inputValue', 'inputPath', 'inputUri'] as const;
const OUTPUT_KINDS = ['outputPath', 'outputUri'] as const;

interface Context {
  spec: ComponentSpec;
  report: Report;
  /** inside concat kfp checks neither I/O pairing nor anything but single-item if branches */
  inConcat: boolean;
}

export function checkCommandLine(spec: ComponentSpec, report: Report): void {
  for (const key of ['command', 'args'] as const) {
    (spec.implementation.container[key] ?? []).forEach((item, i) =>
      checkItem(item, `implementation.container.${key}[${i}]`, { spec, report, inConcat: false }),
    );
  }
}

function checkItem(item: unknown, field: string, ctx: Context): void {
  if (typeof item === 'string') return;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    ctx.report(field, 'must be a string or a placeholder mapping');
    return;
  }
  const keys = Object.keys(item);
  if (keys.length !== 1) {
    ctx.report(field, `a placeholder has exactly one key, got ${keys.join(', ') || 'none'}`);
    return;
  }
  const key = keys[0];
  const value = (item as Dict)[key];
  if (key === 'executorInput') checkExecutorInput(value, field, ctx);
  else if ((INPUT_KINDS as readonly string[]).includes(key)) checkInputRef(key, value, field, ctx);
  else if ((OUTPUT_KINDS as readonly string[]).includes(key)) checkOutputRef(key, value, field, ctx);
  else if (key === 'concat') checkConcat(value, field, ctx);
  else if (key === 'if') checkIf(value, `${field}.if`, ctx);
  else ctx.report(field, `unknown placeholder ${JSON.stringify(key)} (supported: ${[...INPUT_KINDS, ...OUTPUT_KINDS, 'executorInput', 'concat', 'if'].join(', ')})`);
}

/** kfp's v1 loader takes {executorInput: null} only (ExecutorInputPlaceholder has no fields): {executorInput: {}} fails to load. */
function checkExecutorInput(value: unknown, field: string, ctx: Context): void {
  if (value !== null && value !== undefined) {
    ctx.report(`${field}.executorInput`, `takes no value: write {executorInput: null} (or {executorInput}), got ${JSON.stringify(value)}`);
  }
}

function checkInputRef(kind: string, name: unknown, field: string, ctx: Context): void {
  const input = ctx.spec.inputs.find((i) => i.name === name);
  if (!input) {
    ctx.report(`${field}.${kind}`, `names no input of this component: ${JSON.stringify(name)}`);
    return;
  }
  if (ctx.inConcat) return;
  const isParameter = ioTypeOf(input.type).kind === 'parameter';
  if (kind === 'inputValue' && !isParameter) {
    ctx.report(`${field}.${kind}`, `input ${JSON.stringify(name)} is an artifact (type ${input.type ?? 'untyped'}); use inputPath or inputUri`);
  } else if (kind !== 'inputValue' && isParameter) {
    ctx.report(`${field}.${kind}`, `input ${JSON.stringify(name)} is a parameter (type ${input.type}); use inputValue`);
  }
}

function checkOutputRef(kind: string, name: unknown, field: string, ctx: Context): void {
  const output = ctx.spec.outputs.find((o) => o.name === name);
  if (!output) {
    ctx.report(`${field}.${kind}`, `names no output of this component: ${JSON.stringify(name)}`);
    return;
  }
  if (!ctx.inConcat && kind === 'outputUri' && ioTypeOf(output.type).kind === 'parameter') {
    ctx.report(`${field}.${kind}`, `output ${JSON.stringify(name)} is a parameter (type ${output.type}); use outputPath`);
  }
}

function checkConcat(items: unknown, field: string, ctx: Context): void {
  if (!Array.isArray(items)) {
    ctx.report(`${field}.concat`, 'must be a list');
    return;
  }
  items.forEach((item, i) => checkItem(item, `${field}.concat[${i}]`, { ...ctx, inConcat: true }));
}

function checkIf(value: unknown, field: string, ctx: Context): void {
  const spec = value as Dict | null;
  const cond = spec && typeof spec === 'object' ? (spec.cond as Dict | undefined) : undefined;
  if (!cond || typeof cond !== 'object' || typeof cond.isPresent !== 'string') {
    ctx.report(`${field}.cond`, 'must be {isPresent: <input name>} (the only condition kfp compiles)');
    return;
  }
  if (!ctx.spec.inputs.some((i) => i.name === cond.isPresent)) {
    ctx.report(`${field}.cond.isPresent`, `names no input of this component: ${JSON.stringify(cond.isPresent)}`);
  }
  if (!spec || spec.then === undefined) ctx.report(`${field}.then`, 'is required');
  else checkBranch(spec.then, `${field}.then`, ctx);
  if (spec?.else !== undefined && spec.else !== null) checkElse(spec.else, `${field}.else`, ctx);
}

function checkBranch(branch: unknown, field: string, ctx: Context): void {
  if (Array.isArray(branch)) {
    if (ctx.inConcat) ctx.report(field, 'inside concat, kfp accepts only a single item here, not a list');
    branch.forEach((item, i) => checkItem(item, `${field}[${i}]`, ctx));
  } else checkItem(branch as CommandLineItem, field, ctx);
}

/** kfp drops the conversion of a single-item else (placeholders.py), so only a string or a list loads. */
function checkElse(branch: unknown, field: string, ctx: Context): void {
  if (!Array.isArray(branch) && typeof branch !== 'string') {
    ctx.report(field, 'a single placeholder here does not load in kfp; write it as a one-item list');
    return;
  }
  checkBranch(branch, field, ctx);
}
