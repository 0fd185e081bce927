/**
 * A parsed YAML file that remembers where every value came from, so that
 * problems found in the plain JavaScript value can point at a line and column.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { aliasBombOffset } from '../kfp/yaml-aliases';

/** How many alias expansions toJS allows before it calls the file an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export type YamlPath = ReadonlyArray<string | number>;

export interface YamlPosition {
  line: number;
  column: number;
}

export interface YamlSyntaxProblem extends YamlPosition {
  message: string;
}

export class YamlSource {
  private constructor(
    private readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
    /** The document as plain values (maps become objects); undefined when it has syntax errors. */
    readonly value: unknown,
    readonly syntaxProblems: YamlSyntaxProblem[],
  ) {}

  static parse(text: string): YamlSource {
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    const syntaxProblems = document.errors.map((error) => {
      const [position] = error.linePos ?? [lineCounter.linePos(error.pos[0])];
      return { line: position.line, column: position.col, message: firstLine(error.message) };
    });
    let value: unknown;
    if (syntaxProblems.length === 0) {
      try {
        value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (error) {
        // the yaml package throws a bare ReferenceError for an alias bomb, with no position
        if (!(error instanceof ReferenceError)) throw error;
        const { line, col } = lineCounter.linePos(aliasBombOffset(document));
        syntaxProblems.push({
          line,
          column: col,
          message: `its aliases expand too far (more than ${MAX_ALIAS_COUNT} expansions, as in an alias bomb); write the values out, or alias them less deeply.`,
        });
      }
    }
    return new YamlSource(document, lineCounter, value, syntaxProblems);
  }

  /**
   * Where the node at `path` starts: its value, or its key with `of: 'key'`.
   * A path that does not exist (a missing field) gives the position of the
   * deepest part that does, so the message lands on the mapping that lacks it.
   */
  positionOf(path: YamlPath, of: 'key' | 'value' = 'value'): YamlPosition {
    let node: unknown = this.document.contents;
    let found: unknown = node;
    for (let index = 0; index < path.length; index++) {
      const segment = path[index];
      const isLast = index === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
        if (!pair) break;
        if (isLast && of === 'key') {
          found = pair.key;
          break;
        }
        node = pair.value;
        found = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        node = node.items[segment];
        found = node;
      } else {
        break;
      }
    }
    return this.positionOfNode(found as Node | null);
  }

  private positionOfNode(node: Node | null | undefined): YamlPosition {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
