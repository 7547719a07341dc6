// Resolves the resource path of a Graph v1.0 URL segment by segment against the CSDL: entity set or singleton,
// then keys, properties, navigation properties, derived-type casts and bound actions/functions, as OData's URL
// conventions define them (keys as segments, as Graph writes them, or in parentheses).
import type { CsdlModel, CsdlOperation, CsdlTypeRef } from './csdl-model';
import { checkSpelling } from './member-path';

export type ResolvedKind =
  /** An entity or a collection of entities. */
  | 'entity'
  /** A complex or scalar (primitive or enum) value, or a collection of them. */
  | 'complex'
  | 'scalar'
  /** An action or function without return type. */
  | 'none';

export interface ResolvedPath {
  kind: ResolvedKind;
  type: CsdlTypeRef;
  /** The resource is an entity collection a key may address (entity set, collection navigation property). */
  keyable: boolean;
  /** The last segment invoked this operation. */
  operation: CsdlOperation | undefined;
  /** Trailing $count, $value or $ref; query options then apply to the resource before it. */
  suffix: '$count' | '$value' | '$ref' | undefined;
  /** Readable path so far, for messages (keys shown as {key}). */
  display: string;
}

export type PathResolution =
  | { kind: 'batch' | 'metadata'; problems: string[] }
  | { kind: 'resource'; resolved: ResolvedPath | undefined; problems: string[] };

interface Segment {
  name: string;
  /** Text inside trailing parentheses: a key or function parameters. */
  args: string | undefined;
}

function splitSegment(raw: string): Segment {
  const match = /^([^()]*)\((.*)\)$/s.exec(raw);
  return match ? { name: match[1] ?? '', args: match[2] ?? '' } : { name: raw, args: undefined };
}

/** Resolves decoded path segments after "/v1.0". */
export function resolvePath(model: CsdlModel, segments: readonly string[]): PathResolution {
  const problems: string[] = [];
  const [first, ...rest] = segments;
  if (first === undefined)
    return { kind: 'resource', resolved: undefined, problems: ['The path names no resource'] };
  if (first === '$batch' || first === '$metadata') {
    if (rest.length > 0) problems.push(`Nothing may follow /${first}`);
    return { kind: first === '$batch' ? 'batch' : 'metadata', problems };
  }

  const head = splitSegment(first);
  const child = model.containerChild(head.name);
  if (!child) {
    problems.push(`Unknown segment '${head.name}': not an entity set or singleton of Graph v1.0`);
    return { kind: 'resource', resolved: undefined, problems };
  }
  checkSpelling(head.name, child.declared, problems, 'path');
  let state: ResolvedPath = {
    kind: 'entity',
    type: { type: child.value.type, isCollection: child.value.kind === 'entitySet' },
    keyable: child.value.kind === 'entitySet',
    operation: undefined,
    suffix: undefined,
    display: `/${child.declared}`,
  };
  if (head.args !== undefined) {
    if (!state.keyable) {
      problems.push(`/${child.declared} is a singleton and takes no key`);
      return { kind: 'resource', resolved: undefined, problems };
    }
    state = keyed(state);
  }

  for (const raw of rest) {
    const next = step(model, state, splitSegment(raw), problems);
    if (!next) return { kind: 'resource', resolved: undefined, problems };
    state = next;
  }
  return { kind: 'resource', resolved: state, problems };
}

function keyed(state: ResolvedPath): ResolvedPath {
  return {
    ...state,
    type: { type: state.type.type, isCollection: false },
    keyable: false,
    operation: undefined,
    display: `${state.display}/{key}`,
  };
}

/** The state after one more segment, or undefined (with a problem) when the segment cannot follow. */
function step(
  model: CsdlModel,
  state: ResolvedPath,
  segment: Segment,
  problems: string[],
): ResolvedPath | undefined {
  const { name } = segment;
  const after = `after ${state.display}`;
  if (state.suffix) {
    problems.push(`'${name}' cannot follow ${state.suffix} (${after})`);
    return undefined;
  }
  if (state.operation && (state.operation.kind === 'action' || !state.operation.isComposable)) {
    problems.push(
      `'${name}' cannot follow ${state.operation.kind} ${state.operation.name}, which is not composable`,
    );
    return undefined;
  }
  if (state.kind === 'none') {
    problems.push(`'${name}' cannot follow ${state.display}, which returns nothing`);
    return undefined;
  }

  if (name === '$count' || name === '$value' || name === '$ref') {
    const allowed =
      name === '$count'
        ? state.type.isCollection
        : name === '$value'
          ? !state.type.isCollection && (state.kind === 'scalar' || state.kind === 'entity')
          : state.kind === 'entity';
    if (!allowed) {
      problems.push(`${name} cannot address ${state.display} (${describe(state)})`);
      return undefined;
    }
    return { ...state, suffix: name, display: `${state.display}/${name}` };
  }

  // Structural and navigation members (single structured values only).
  if (!state.type.isCollection && state.kind !== 'scalar') {
    const property = model.property(state.type.type, name);
    if (property) {
      checkSpelling(name, property.declared, problems, 'path');
      if (segment.args !== undefined) {
        problems.push(`Property '${property.declared}' ${after} takes no key`);
        return undefined;
      }
      const type = { type: property.value.type, isCollection: property.value.isCollection };
      const kind = model.isScalarType(type.type) ? 'scalar' : 'complex';
      return {
        kind,
        type,
        keyable: false,
        operation: undefined,
        suffix: undefined,
        display: `${state.display}/${property.declared}`,
      };
    }
    const navigation = model.navigationProperty(state.type.type, name);
    if (navigation) {
      checkSpelling(name, navigation.declared, problems, 'path');
      const type = { type: navigation.value.type, isCollection: navigation.value.isCollection };
      const next: ResolvedPath = {
        kind: 'entity',
        type,
        keyable: type.isCollection,
        operation: undefined,
        suffix: undefined,
        display: `${state.display}/${navigation.declared}`,
      };
      if (segment.args === undefined) return next;
      if (next.keyable) return keyed(next);
      problems.push(`'${navigation.declared}' ${after} is single-valued and takes no key`);
      return undefined;
    }
  }

  // Bound operations: unqualified ("sendMail") or namespace-qualified ("microsoft.graph.sendMail").
  const operations = model.boundOperations(name, state.type);
  if (operations.length > 0) return invoke(model, state, segment, operations, problems);

  // Derived-type cast, e.g. /groups/{id}/members/microsoft.graph.user.
  const cast = name.includes('.') ? model.structuredType(name) : undefined;
  if (cast) {
    if (!model.isSubtypeOf(cast.qualifiedName, state.type.type)) {
      problems.push(`Cast to ${cast.qualifiedName} ${after}: it does not derive from ${state.type.type}`);
      return undefined;
    }
    checkSpelling(name, cast.qualifiedName, problems, 'path');
    const next = {
      ...state,
      type: { ...state.type, type: cast.qualifiedName },
      display: `${state.display}/${cast.qualifiedName}`,
    };
    return segment.args !== undefined && next.keyable ? keyed(next) : next;
  }

  // Anything else on an addressable entity collection is a key (Graph: key-as-segment, e.g. mailFolders/inbox).
  if (state.keyable) {
    if (segment.args !== undefined) {
      problems.push(`Segment '${name}(${segment.args})' ${after}: neither a key nor a bound function`);
      return undefined;
    }
    return keyed(state);
  }
  problems.push(
    `Unknown segment '${name}' ${after}: ${describe(state)} has no such member, bound operation or derived type`,
  );
  return undefined;
}

function invoke(
  model: CsdlModel,
  state: ResolvedPath,
  segment: Segment,
  operations: CsdlOperation[],
  problems: string[],
): ResolvedPath | undefined {
  let candidates = operations;
  const given = parameterNames(segment.args);
  if (given.length > 0) {
    candidates = operations.filter((operation) =>
      given.every((name) =>
        operation.parameters.some((parameter) => parameter.toLowerCase() === name.toLowerCase()),
      ),
    );
    if (candidates.length === 0) {
      const expected = operations.map((operation) => `(${operation.parameters.join(', ')})`).join(' or ');
      problems.push(
        `${segment.name} ${`after ${state.display}`}: parameters (${given.join(', ')}) do not match ${expected}`,
      );
      return undefined;
    }
  }
  // Overloads bound to the most derived type win, as in OData's overload resolution.
  const operation = [...candidates].sort(
    (a, b) => model.lineage(b.binding.type).length - model.lineage(a.binding.type).length,
  )[0] as CsdlOperation;
  checkSpelling(segment.name.slice(segment.name.lastIndexOf('.') + 1), operation.name, problems, 'path');
  const returnType = operation.returnType;
  const kind: ResolvedKind = !returnType
    ? 'none'
    : model.isScalarType(returnType.type)
      ? 'scalar'
      : model.structuredType(returnType.type)?.kind === 'entity'
        ? 'entity'
        : 'complex';
  return {
    kind,
    type: returnType ?? { type: '', isCollection: false },
    keyable: kind === 'entity' && (returnType?.isCollection ?? false) && operation.isComposable,
    operation,
    suffix: undefined,
    display: `${state.display}/${operation.name}`,
  };
}

/** Parameter names in "a=1,b='x,y'" (values may be quoted strings with commas). */
function parameterNames(args: string | undefined): string[] {
  if (!args) return [];
  const unquoted = args.replace(/'(?:[^']|'')*'/g, "''");
  return unquoted
    .split(',')
    .map((part) => /^\s*([\w.]+)\s*=/.exec(part)?.[1])
    .filter((name): name is string => name !== undefined);
}

function describe(state: ResolvedPath): string {
  const type = state.type.isCollection ? `Collection(${state.type.type})` : state.type.type || 'nothing';
  return type;
}
