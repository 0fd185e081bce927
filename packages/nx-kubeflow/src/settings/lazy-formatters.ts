/**
 * Evaluation of dynaconf's lazy tokens, ported from dynaconf/utils/parse_conf.py:
 * - `@format {this.KEY} {env[NAME]}`: Python `str.format` over the settings and the environment;
 * - `@get KEY [@cast] [default]`: another setting's value;
 * - `@read_file PATH [default]`: a file's text (path relative to the working directory);
 * - `@jinja`: needs jinja2 in Python; the plugin does not evaluate it.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SettingsValueError } from './settings-errors';
import { applyConverter, isConverterToken, LazyValue } from './dynaconf-tokens';
import { dataDictGet, isPyDict, isPyList, PyValue, pyRepr, pyStr } from './python-values';

/** What a lazy value can see: the settings being read and the process around them. */
export interface LazyEvaluationContext {
  /** dynaconf's `settings.get(key)`: top-level case-insensitive, dotted and `__` paths, lazies evaluated. */
  get(key: string): PyValue | undefined;
  /** dynaconf's `key in settings`. */
  has(key: string): boolean;
  readonly environ: Readonly<Record<string, string | undefined>>;
  readonly currentEnv: string;
  readonly cwd: string;
}

export function evaluateLazyValue(lazy: LazyValue, context: LazyEvaluationContext): PyValue {
  const result = formatLazy(lazy, context);
  return lazy.casting ? lazy.casting(result) : result;
}

function formatLazy(lazy: LazyValue, context: LazyEvaluationContext): PyValue {
  switch (lazy.formatter) {
    case 'format':
      return formatPythonTemplate(templateText(lazy), context);
    case 'get':
      return getFormatter(templateText(lazy), context);
    case 'read_file':
      return readFileFormatter(lazy, context);
    case 'jinja':
      throw new SettingsValueError(
        `"${lazy.token}": @jinja templates are not evaluated by the plugin (dynaconf needs jinja2 for them). Use @format or @get instead.`,
      );
  }
}

function templateText(lazy: LazyValue): string {
  if (lazy.template instanceof LazyValue) throw new SettingsValueError(`"@${lazy.formatter}" cannot wrap another lazy token`);
  return lazy.template;
}

// ------------------------------------------------------------------ @format

/** Python `str.format(template, this=settings, env=os.environ)`, without format specs. */
function formatPythonTemplate(template: string, context: LazyEvaluationContext): string {
  let output = '';
  let index = 0;
  while (index < template.length) {
    const char = template[index];
    if (char === '{' && template[index + 1] === '{') {
      output += '{';
      index += 2;
    } else if (char === '}' && template[index + 1] === '}') {
      output += '}';
      index += 2;
    } else if (char === '}') {
      throw formatError(template, "Single '}' encountered in format string");
    } else if (char === '{') {
      const end = findFieldEnd(template, index + 1);
      output += renderField(template.slice(index + 1, end), template, context);
      index = end + 1;
    } else {
      output += char;
      index += 1;
    }
  }
  return output;
}

function findFieldEnd(template: string, start: number): number {
  let inBrackets = false;
  for (let index = start; index < template.length; index += 1) {
    const char = template[index];
    if (char === '[') inBrackets = true;
    else if (char === ']') inBrackets = false;
    else if (char === '}' && !inBrackets) return index;
    else if (char === '{' && !inBrackets) throw formatError(template, 'nested replacement fields are not supported');
  }
  throw formatError(template, "expected '}' before end of string");
}

function renderField(field: string, template: string, context: LazyEvaluationContext): string {
  const match = /^((?:[^![:]|\[[^\]]*\])*)(?:!([sra]))?(?::(.*))?$/s.exec(field);
  if (!match) throw formatError(template, `cannot read the field {${field}}`);
  const [, fieldName, conversion, spec] = match;
  if (spec) throw formatError(template, `format specs (":${spec}") are not supported by the plugin`);
  const value = resolveFieldName(fieldName, template, context);
  return conversion === 'r' || conversion === 'a' ? pyRepr(value) : pyStr(value);
}

type FieldPart = { kind: 'attribute' | 'item'; name: string };

function resolveFieldName(fieldName: string, template: string, context: LazyEvaluationContext): PyValue | undefined {
  const head = /^[^.[]*/.exec(fieldName)![0];
  const parts = parseFieldParts(fieldName.slice(head.length), template);
  if (head === 'this') {
    checkSettingExists(fieldName, context, template);
    return resolveOnSettings(parts, template, context);
  }
  if (head === 'env') return resolveOnEnviron(parts, template, context);
  throw formatError(template, `unknown name "${head}" (use {this.KEY} or {env[NAME]})`);
}

function parseFieldParts(rest: string, template: string): FieldPart[] {
  const parts: FieldPart[] = [];
  const pattern = /\.([^.[]+)|\[([^\]]+)\]/y;
  let index = 0;
  while (index < rest.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(rest);
    if (!match) throw formatError(template, `cannot read "${rest}"`);
    parts.push(match[1] !== undefined ? { kind: 'attribute', name: match[1] } : { kind: 'item', name: match[2] });
    index = pattern.lastIndex;
  }
  return parts;
}

/** dynaconf's SafeFormatter refuses `{this.KEY}` for keys that are not set. */
function checkSettingExists(fieldName: string, context: LazyEvaluationContext, template: string): void {
  const key = fieldName.replaceAll('[', '.').replaceAll(']', '').split('.').slice(1).join('.');
  if (key === 'current_env') return;
  if (!context.has(key)) throw formatError(template, `"${key}" is not set`);
}

function resolveOnSettings(parts: FieldPart[], template: string, context: LazyEvaluationContext): PyValue | undefined {
  if (parts.length === 0) throw formatError(template, '{this} alone is not supported');
  const [first, ...rest] = parts;
  let current = first.name === 'current_env' && first.kind === 'attribute' ? context.currentEnv : context.get(first.name);
  if (current === undefined) throw formatError(template, `"${first.name}" is not set`);
  for (const part of rest) current = resolvePart(current, part, template);
  return current;
}

function resolvePart(container: PyValue, part: FieldPart, template: string): PyValue {
  if (isPyDict(container)) {
    const value = dataDictGet(container, part.name);
    if (value === undefined) throw formatError(template, `"${part.name}" is not set`);
    return value;
  }
  if (isPyList(container) && part.kind === 'item' && /^\d+$/.test(part.name)) {
    const value = container[Number(part.name)];
    if (value === undefined) throw formatError(template, `index ${part.name} is out of range`);
    return value;
  }
  throw formatError(template, `cannot read "${part.name}" from ${pyRepr(container)}`);
}

function resolveOnEnviron(parts: FieldPart[], template: string, context: LazyEvaluationContext): PyValue {
  if (parts.length !== 1 || parts[0].kind !== 'item') throw formatError(template, 'use {env[NAME]} to read an environment variable');
  const value = context.environ[parts[0].name];
  if (value === undefined) throw formatError(template, `environment variable ${parts[0].name} is not set`);
  return value;
}

function formatError(template: string, reason: string): SettingsValueError {
  return new SettingsValueError(`"@format ${template}": ${reason}`);
}

// --------------------------------------------------------------------- @get

/** `@get KEY`, `@get KEY @int`, `@get KEY default`, `@get KEY "default value" @int`. */
function getFormatter(text: string, context: LazyEvaluationContext): PyValue {
  const tokens = text.trim().split(/\s+/).filter((token) => token.length > 0);
  if (tokens.length === 0) throw new SettingsValueError(`"@get ${text}": no key specified`);
  const [key, ...restTokens] = tokens;
  let remainder = restTokens.join(' ');
  let cast: string | undefined;
  let fallback: string | undefined;
  while (remainder.trim().length > 0) {
    remainder = remainder.trim();
    if (remainder[0] === '"' || remainder[0] === "'") {
      const end = remainder.indexOf(remainder[0], 1);
      if (end === -1) throw new SettingsValueError(`Unclosed quote in: ${remainder}`);
      fallback = remainder.slice(1, end);
      remainder = remainder.slice(end + 1);
    } else {
      const [word, ...others] = remainder.split(/\s+/);
      if (word.startsWith('@')) cast = word;
      else fallback = word;
      remainder = others.join(' ');
    }
  }
  if (fallback === undefined && !context.has(key)) {
    throw new SettingsValueError(`"@get ${text}": Key ${key} not found in settings and no default value provided.`);
  }
  const value = context.has(key) ? (context.get(key) ?? null) : (fallback ?? null);
  if (cast === undefined) return value;
  if (!isConverterToken(cast)) throw new SettingsValueError(`"@get ${text}": unknown cast ${cast}`);
  return applyConverter(cast, value);
}

// --------------------------------------------------------------- @read_file

function readFileFormatter(lazy: LazyValue, context: LazyEvaluationContext): PyValue {
  const text = lazy.template instanceof LazyValue ? pyStr(evaluateLazyValue(lazy.template, context)) : lazy.template;
  const value = text.trim();
  if (value.length === 0) throw new SettingsValueError('"@read_file": no path specified');
  const [path, fallback] = splitPathAndDefault(value);
  if (path.length === 0) throw new SettingsValueError('"@read_file": empty path');
  const absolute = resolve(context.cwd, path);
  let isFile: boolean;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    if (fallback !== undefined) return fallback;
    throw new SettingsValueError(`File ${path} does not exist and no default value provided.`);
  }
  if (!isFile) throw new SettingsValueError(`${path} is not a file`);
  return readFileSync(absolute, 'utf-8');
}

function splitPathAndDefault(value: string): [string, string | undefined] {
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const end = value.indexOf(quote, 1);
    if (end === -1) throw new SettingsValueError(`Unclosed quote in: ${value}`);
    const rest = value.slice(end + 1).trim();
    return [value.slice(1, end), rest.length > 0 ? rest : undefined];
  }
  const match = /^(\S+)\s*([\s\S]*)$/.exec(value)!;
  return [match[1], match[2].trim().length > 0 ? match[2].trim() : undefined];
}
