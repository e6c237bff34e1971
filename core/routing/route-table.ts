/**
 * The HTTP trigger route table: one segment tree over every trigger path of
 * every function, so a request is matched in O(path segments), never by
 * scanning the triggers. Patterns are `/`-separated segments: literals,
 * `{name}` parameters (one whole segment), and a last segment `*` or
 * `{name+}` that matches the rest of the path (zero or more segments).
 * Matching prefers, at each segment, a literal over a parameter over a
 * rest-match (backtracking when a branch dead-ends), so different pattern
 * shapes never tie; two patterns of the same shape (parameters named
 * differently count as the same) with a method in common conflict.
 */
import { decodeSegment as decode } from '../../lib';

/** Any method. */
export const ANY_METHOD = 'ANY';

interface Entry<T> {
  /** Upper-case methods, or [ANY]. */
  methods: readonly string[];
  value: T;
  /** Parameter names in segment order (`rest` last when the pattern ends in one). */
  params: readonly string[];
  /** The rest-match's name (`proxy` for `{proxy+}`), '' for `*`, undefined when none. */
  rest: string | undefined;
}

class Node<T> {
  readonly literals = new Map<string, Node<T>>();
  param: Node<T> | undefined;
  /** Entries whose pattern ends at this node. */
  readonly entries: Entry<T>[] = [];
  /** Entries whose pattern ends in a rest-match after this node. */
  readonly restEntries: Entry<T>[] = [];
}

export interface RouteMatch<T> {
  value: T;
  /** Parameter values by name (percent-decoded); a rest-match's name maps to the rest of the path. */
  params: Record<string, string>;
}

/** A parsed pattern: its segments and whether it ends in a rest-match. */
export interface ParsedPattern {
  /** Literal segments as they are; parameters as `{name}`. */
  segments: string[];
  params: string[];
  rest: string | undefined;
}

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const REST_PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\+\}$/;
const LITERAL = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%]+$/;

/** Parses a trigger path; throws an Error naming the fault (the caller maps it to its API code). */
export function parsePattern(path: string): ParsedPattern {
  if (!path.startsWith('/')) throw new Error(`the path must start with "/", got ${JSON.stringify(path)}`);
  const raw = path === '/' ? [] : path.slice(1).split('/');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop(); // a trailing slash is the same path
  const segments: string[] = [];
  const params: string[] = [];
  let rest: string | undefined;
  raw.forEach((segment, i) => {
    const last = i === raw.length - 1;
    const restParam = REST_PARAM.exec(segment);
    if (segment === '*' || restParam) {
      if (!last) throw new Error(`a rest-match (${segment}) may only be the last segment`);
      rest = restParam ? restParam[1]! : '';
      if (rest !== '') params.push(rest);
      return;
    }
    const param = PARAM.exec(segment);
    if (param) {
      if (params.includes(param[1]!)) throw new Error(`the parameter {${param[1]!}} appears twice`);
      params.push(param[1]!);
      segments.push('{}');
      return;
    }
    if (segment === '' || !LITERAL.test(segment) || segment === '.' || segment === '..') throw new Error(`the segment ${JSON.stringify(segment)} is not a valid path segment`);
    segments.push(segment);
  });
  return { segments, params, rest };
}

export class RouteTable<T> {
  private readonly root = new Node<T>();
  private count = 0;

  /** Routes in the table. */
  get size(): number {
    return this.count;
  }

  /** The value of a route of the same shape sharing a method with `methods`, if any (a conflict). */
  conflict(pattern: ParsedPattern, methods: readonly string[], ignore?: T): T | undefined {
    const node = this.find(pattern.segments);
    if (!node) return undefined;
    const list = pattern.rest !== undefined ? node.restEntries : node.entries;
    return list.find((e) => e.value !== ignore && overlaps(e.methods, methods))?.value;
  }

  add(pattern: ParsedPattern, methods: readonly string[], value: T): void {
    let node = this.root;
    for (const segment of pattern.segments) {
      if (segment === '{}') node = node.param ??= new Node<T>();
      else {
        let next = node.literals.get(segment);
        if (!next) node.literals.set(segment, (next = new Node<T>()));
        node = next;
      }
    }
    const entry: Entry<T> = { methods, value, params: pattern.params, rest: pattern.rest };
    (pattern.rest !== undefined ? node.restEntries : node.entries).push(entry);
    this.count++;
  }

  /** Removes every route whose value satisfies `drop`. */
  remove(drop: (value: T) => boolean): void {
    const walk = (node: Node<T>): void => {
      for (const list of [node.entries, node.restEntries]) {
        for (let i = list.length - 1; i >= 0; i--) {
          if (drop(list[i]!.value)) {
            list.splice(i, 1);
            this.count--;
          }
        }
      }
      for (const child of node.literals.values()) walk(child);
      if (node.param) walk(node.param);
    };
    walk(this.root);
  }

  /** The route serving `method` on `path` (no query string; percent-encoded as received), or undefined. */
  match(method: string, path: string): RouteMatch<T> | undefined {
    if (this.count === 0) return undefined;
    const segments = path === '/' || path === '' ? [] : path.slice(1).split('/');
    if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
    const values: string[] = [];
    const found = this.walk(this.root, segments, 0, method, values);
    if (!found) return undefined;
    const params: Record<string, string> = {};
    found.entry.params.forEach((name, i) => {
      if (i < values.length) params[name] = decode(values[i]!);
    });
    if (found.entry.rest) params[found.entry.rest] = segments.slice(found.restFrom).map(decode).join('/');
    return { value: found.entry.value, params };
  }

  private walk(node: Node<T>, segments: string[], i: number, method: string, values: string[]): { entry: Entry<T>; restFrom: number } | undefined {
    if (i === segments.length) {
      const entry = firstAllowing(node.entries, method);
      if (entry) return { entry, restFrom: i };
    } else {
      const literal = node.literals.get(segments[i]!);
      if (literal) {
        const found = this.walk(literal, segments, i + 1, method, values);
        if (found) return found;
      }
      if (node.param) {
        values.push(segments[i]!);
        const found = this.walk(node.param, segments, i + 1, method, values);
        if (found) return found;
        values.pop();
      }
    }
    const rest = node.restEntries.length === 0 ? undefined : firstAllowing(node.restEntries, method);
    return rest ? { entry: rest, restFrom: i } : undefined;
  }

  private find(segments: readonly string[]): Node<T> | undefined {
    let node: Node<T> | undefined = this.root;
    for (const segment of segments) {
      node = segment === '{}' ? node.param : node.literals.get(segment);
      if (!node) return undefined;
    }
    return node;
  }
}

function firstAllowing<T>(entries: readonly Entry<T>[], method: string): Entry<T> | undefined {
  for (let i = 0; i < entries.length; i++) if (allows(entries[i]!.methods, method)) return entries[i];
  return undefined;
}

function allows(methods: readonly string[], method: string): boolean {
  return methods[0] === ANY_METHOD || methods.includes(method) || (method === 'HEAD' && methods.includes('GET'));
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  return a[0] === ANY_METHOD || b[0] === ANY_METHOD || a.some((m) => b.includes(m));
}
