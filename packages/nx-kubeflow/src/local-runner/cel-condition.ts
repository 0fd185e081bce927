/**
 * The part of CEL that kfp writes into triggerPolicy.condition, and nothing
 * more: comparisons (== != < <= > >=) of pipeline channels
 * (`inputs.parameter_values['pipelinechannel--x']`), int()/double() casts and
 * constants ('text', numbers, true, false), `!(...)` around a comparison for
 * Elif/Else, and `&&` joining them. Any other form is refused when the IR is
 * read, naming the text, rather than guessed at.
 *
 * Values follow CEL as the KFP backend evaluates it: a channel holds a
 * protobuf Value, so every number is a double until int() truncates it;
 * int and double compare by value; == and != of two different kinds are
 * false and true, ordering them is an error (CEL's "no such overload").
 */

export type CelOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type CelOperand =
  | { kind: 'channel'; input: string }
  | { kind: 'cast'; to: 'int' | 'double'; operand: CelOperand }
  | { kind: 'constant'; value: CelValue };

export type CelExpression =
  | { kind: 'compare'; operator: CelOperator; left: CelOperand; right: CelOperand }
  | { kind: 'not'; expression: CelExpression }
  | { kind: 'and'; expressions: CelExpression[] };

export type CelValue = { type: 'int' | 'double'; value: number } | { type: 'string'; value: string } | { type: 'bool'; value: boolean };

export class CelError extends Error {}

const CHANNEL = /^inputs\.parameter_values\['([^'\\]*)'\]/;
const NUMBER = /^-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/;
const OPERATORS: readonly CelOperator[] = ['==', '!=', '<=', '>=', '<', '>'];

/** Parses a condition as kfp writes it; throws CelError naming what it does not support. */
export function parseCondition(text: string): CelExpression {
  let at = 0;
  const rest = () => text.slice(at);
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const refuse = (what: string): never => {
    const near = rest().slice(0, 30);
    throw new CelError(`${what} at character ${at + 1}${near ? ` ("${near}${rest().length > 30 ? '…' : ''}")` : ' (the end)'}; the local runner evaluates only the CEL kfp writes for dsl.If/Elif/Else: comparisons (== != < <= > >=) of inputs.parameter_values['…'], int()/double() casts and 'text'/number/true/false constants, !(…) and &&`);
  };
  const take = (token: string) => {
    skipSpace();
    if (!rest().startsWith(token)) return false;
    at += token.length;
    return true;
  };

  const operand = (): CelOperand => {
    skipSpace();
    const channel = CHANNEL.exec(rest());
    if (channel) {
      at += channel[0].length;
      return { kind: 'channel', input: channel[1] };
    }
    for (const to of ['int', 'double'] as const) {
      if (new RegExp(`^${to}\\s*\\(`).test(rest())) {
        take(to);
        take('(');
        const inner = operand();
        if (!take(')')) refuse(`expected ")" closing ${to}(`);
        return { kind: 'cast', to, operand: inner };
      }
    }
    if (rest().startsWith("'")) {
      const end = text.indexOf("'", at + 1);
      if (end < 0) refuse('an unterminated string');
      const value = text.slice(at + 1, end);
      if (value.includes('\\')) refuse('a string with an escape sequence');
      at = end + 1;
      return { kind: 'constant', value: { type: 'string', value } };
    }
    const number = NUMBER.exec(rest());
    if (number) {
      at += number[0].length;
      const isDouble = /[.eE]/.test(number[0]);
      return { kind: 'constant', value: { type: isDouble ? 'double' : 'int', value: Number(number[0]) } };
    }
    const bool = /^(true|false)\b/.exec(rest());
    if (bool) {
      at += bool[0].length;
      return { kind: 'constant', value: { type: 'bool', value: bool[1] === 'true' } };
    }
    return refuse('an operand it does not know');
  };

  const comparison = (): CelExpression => {
    const left = operand();
    skipSpace();
    const operator = OPERATORS.find((candidate) => rest().startsWith(candidate));
    if (!operator) return refuse('expected a comparison operator (== != < <= > >=)');
    at += operator.length;
    return { kind: 'compare', operator, left, right: operand() };
  };

  const term = (): CelExpression => {
    skipSpace();
    if (take('!')) {
      if (!take('(')) refuse('expected "(" after "!"');
      const inner = conjunction();
      if (!take(')')) refuse('expected ")" closing !(');
      return { kind: 'not', expression: inner };
    }
    return comparison();
  };

  const conjunction = (): CelExpression => {
    const expressions = [term()];
    while (take('&&')) expressions.push(term());
    return expressions.length === 1 ? expressions[0] : { kind: 'and', expressions };
  };

  const expression = conjunction();
  skipSpace();
  if (at < text.length) refuse('unexpected text');
  return expression;
}

/** The pipeline-channel inputs a condition reads, each once. */
export function conditionInputs(expression: CelExpression): string[] {
  const inputs = new Set<string>();
  const fromOperand = (operand: CelOperand) => {
    if (operand.kind === 'channel') inputs.add(operand.input);
    if (operand.kind === 'cast') fromOperand(operand.operand);
  };
  const walk = (e: CelExpression) => {
    if (e.kind === 'compare') [e.left, e.right].forEach(fromOperand);
    else if (e.kind === 'not') walk(e.expression);
    else e.expressions.forEach(walk);
  };
  walk(expression);
  return [...inputs];
}

const describe = (value: CelValue) => (value.type === 'string' ? `'${value.value}'` : `${value.value} (${value.type})`);

/** A channel's value (a parameter's JSON value) as the backend hands it to CEL: numbers are doubles. */
function channelValue(input: string, value: unknown): CelValue {
  if (typeof value === 'number') return { type: 'double', value };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'boolean') return { type: 'bool', value };
  throw new CelError(`inputs.parameter_values['${input}'] is ${value === undefined ? 'missing' : JSON.stringify(value)}, not a string, number or boolean`);
}

function cast(to: 'int' | 'double', value: CelValue): CelValue {
  if (to === 'double') {
    if (value.type === 'int' || value.type === 'double') return { type: 'double', value: value.value };
    if (value.type === 'string' && value.value.trim() !== '' && Number.isFinite(Number(value.value))) return { type: 'double', value: Number(value.value) };
  } else {
    if ((value.type === 'int' || value.type === 'double') && Number.isFinite(value.value)) return { type: 'int', value: Math.trunc(value.value) };
    if (value.type === 'string' && /^[+-]?\d+$/.test(value.value)) return { type: 'int', value: Number(value.value) };
  }
  throw new CelError(`${to}() cannot convert ${describe(value)}`);
}

function operandValue(operand: CelOperand, values: Record<string, unknown>): CelValue {
  if (operand.kind === 'constant') return operand.value;
  if (operand.kind === 'cast') return cast(operand.to, operandValue(operand.operand, values));
  return channelValue(operand.input, values[operand.input]);
}

function compareValues(operator: CelOperator, left: CelValue, right: CelValue): boolean {
  const numeric = (v: CelValue) => v.type === 'int' || v.type === 'double';
  const sameKind = (numeric(left) && numeric(right)) || left.type === right.type;
  if (!sameKind) {
    if (operator === '==') return false;
    if (operator === '!=') return true;
    throw new CelError(`${describe(left)} ${operator} ${describe(right)}: CEL has no ${operator} between ${left.type} and ${right.type} (no such overload)`);
  }
  // strings order by code point, as CEL does (JS's < compares UTF-16 units)
  const order = (a: CelValue, b: CelValue) => {
    if (a.type === 'string' && b.type === 'string') {
      const [x, y] = [Array.from(a.value, (c) => c.codePointAt(0)!), Array.from(b.value, (c) => c.codePointAt(0)!)];
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
      return x.length - y.length;
    }
    const [p, q] = [Number(a.value), Number(b.value)];
    return p < q ? -1 : p > q ? 1 : p === q ? 0 : NaN;
  };
  const c = order(left, right);
  switch (operator) {
    case '==': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

/** The condition's value over the group's inputs (by input name); throws CelError where CEL would fail. */
export function evaluateCondition(expression: CelExpression, values: Record<string, unknown>): boolean {
  if (expression.kind === 'compare') return compareValues(expression.operator, operandValue(expression.left, values), operandValue(expression.right, values));
  if (expression.kind === 'not') return !evaluateCondition(expression.expression, values);
  // CEL's && is false when either side is false, even if the other side fails
  let failure: unknown;
  for (const e of expression.expressions) {
    try {
      if (!evaluateCondition(e, values)) return false;
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return true;
}
