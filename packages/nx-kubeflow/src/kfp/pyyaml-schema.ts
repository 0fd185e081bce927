/**
 * PyYAML's implicit resolvers (yaml/resolver.py, a YAML 1.1 reader) as tags of
 * the `yaml` package. kfp reads component YAML and IR with PyYAML
 * (load_component_from_file, kfp.Client's package reader, pipelines used as
 * components), and PyYAML differs from the YAML 1.1 schema the `yaml` package
 * ships as much as from YAML 1.2: a float needs a dot and a signed exponent
 * (`1e3` is a string, `1.0e+3` a float), `=` is a tag no safe loader can
 * build, `0o17` is a string. So the rules are PyYAML's own, regex for regex:
 * - reading component.yaml with them gives the values kfp gets;
 * - writing with them as `compat` quotes every string PyYAML would take for
 *   something else, on top of what a YAML 1.2 reader (yaml.v3) would.
 */
import type { ScalarTag } from 'yaml';
import { pyFloatRepr } from './py-json';

/** A timestamp PyYAML would build as datetime.date/datetime: kfp has no use for one in a component. */
export class PyTimestamp {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A plain scalar PyYAML resolves to a tag its SafeLoader cannot build (`=`, `<<` outside a key). */
export class PyUnloadable {
  constructor(
    readonly text: string,
    readonly tag: string,
  ) {}
}

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const MERGE = /^(?:<<)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
const VALUE = /^(?:=)$/;

/** construct_yaml_int: underscores dropped, 0b/0x/leading-0 octal, base-60 with colons; exact (bigint). */
export function constructPyInt(text: string): bigint {
  let value = text.replace(/_/g, '');
  const sign = value[0] === '-' ? -1n : 1n;
  if (value[0] === '+' || value[0] === '-') value = value.slice(1);
  if (value === '0') return 0n;
  if (value.startsWith('0b')) return sign * BigInt(value);
  if (value.startsWith('0x')) return sign * BigInt(value);
  if (value[0] === '0') return sign * BigInt(`0o${value.slice(1)}`);
  if (value.includes(':')) return sign * value.split(':').reduce((sum, digit) => sum * 60n + BigInt(digit), 0n);
  return sign * BigInt(value);
}

/** construct_yaml_float: underscores dropped, .inf/.nan, base-60 with colons. */
export function constructPyFloat(text: string): number {
  let value = text.replace(/_/g, '').toLowerCase();
  const sign = value[0] === '-' ? -1 : 1;
  if (value[0] === '+' || value[0] === '-') value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) return sign * value.split(':').reduce((sum, digit) => sum * 60 + Number(digit), 0);
  return sign * Number(value);
}

const scalarTag = (tag: string, test: RegExp, resolve: (text: string) => unknown): ScalarTag => ({
  tag,
  test,
  default: true,
  resolve,
  identify: () => false,
});

/**
 * In PyYAML's order of registration, which decides between two that match
 * (no string matches two of these, but the order is kept for the record).
 */
export const PYYAML_SCALAR_TAGS: ScalarTag[] = [
  scalarTag('tag:yaml.org,2002:bool', BOOL, (text) => /^(?:yes|true|on)$/i.test(text)),
  scalarTag('tag:yaml.org,2002:float', FLOAT, constructPyFloat),
  scalarTag('tag:yaml.org,2002:int', INT, constructPyInt),
  scalarTag('tag:yaml.org,2002:merge', MERGE, (text) => new PyUnloadable(text, 'tag:yaml.org,2002:merge')),
  scalarTag('tag:yaml.org,2002:null', NULL, () => null),
  scalarTag('tag:yaml.org,2002:timestamp', TIMESTAMP, (text) => new PyTimestamp(text)),
  scalarTag('tag:yaml.org,2002:value', VALUE, (text) => new PyUnloadable(text, 'tag:yaml.org,2002:value')),
];

/** What a plain scalar means to PyYAML: the tag it resolves to (str when none). */
export function pyYamlTagOf(plain: string): string {
  return PYYAML_SCALAR_TAGS.find((tag) => tag.test?.test(plain))?.tag ?? 'tag:yaml.org,2002:str';
}

/** str() of a value PyYAML built, as kfp turns a component.yaml default into text. */
export function pyStr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyFloatRepr(value);
  if (value === null || value === undefined) return 'None';
  return String(value);
}
