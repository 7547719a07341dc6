// OData system query options of a Graph request, checked against the type the path resolved to: option names,
// where each applies (collections, structured types), $select and $expand members, the member names $filter and
// $orderby compare or sort on (a light lexical check, not a full $filter grammar), and $top/$skip/$count values.
import type { CsdlModel, CsdlTypeRef } from './csdl-model';
import { findMember, resolveMemberPath } from './member-path';

/** The system query options recognised on Graph v1.0 (lower case, without "$"). */
export const SYSTEM_QUERY_OPTIONS: readonly string[] = [
  'select',
  'expand',
  'filter',
  'orderby',
  'top',
  'skip',
  'count',
  'search',
  'skiptoken',
  'deltatoken',
  'format',
];
/** Options only valid inside $expand=nav(...). */
const EXPAND_ONLY_OPTIONS = ['levels'];
const COLLECTION_OPTIONS = ['filter', 'orderby', 'top', 'skip', 'count', 'search'];

/** What query options apply to: the resolved resource type, or undefined when the path did not resolve. */
export interface QueryTarget {
  type: CsdlTypeRef;
  structured: boolean;
}

/** Checks (name, value) pairs as they appear in the query string (or, nested, inside $expand parentheses). */
export function validateQueryOptions(
  model: CsdlModel,
  options: readonly (readonly [string, string])[],
  target: QueryTarget | undefined,
  nested = false,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [rawName, value] of options) {
    if (!rawName.startsWith('$')) {
      // A custom query option, unless it is a system option without "$", which Graph v1.0 honours on a few APIs only.
      if (SYSTEM_QUERY_OPTIONS.includes(rawName.toLowerCase()))
        problems.push(`Query option '${rawName}' needs its '$' on Graph v1.0 ('$${rawName}')`);
      else if (nested) problems.push(`'${rawName}' is not a query option $expand accepts`);
      continue;
    }
    const name = rawName.slice(1).toLowerCase();
    const known = SYSTEM_QUERY_OPTIONS.includes(name) || (nested && EXPAND_ONLY_OPTIONS.includes(name));
    if (!known) {
      problems.push(`Unknown query option '${rawName}'`);
      continue;
    }
    if (seen.has(name)) problems.push(`Query option '${rawName}' is given more than once`);
    seen.add(name);
    if (!target) continue;
    const option = `$${name}`;
    if (COLLECTION_OPTIONS.includes(name) && !target.type.isCollection) {
      problems.push(`${option} applies to collections; ${target.type.type} is a single resource`);
      continue;
    }
    const structured = target.structured ? target.type.type : undefined;
    if ((name === 'select' || name === 'expand') && !structured) {
      problems.push(`${option} needs a structured type; the resource is ${target.type.type || 'nothing'}`);
      continue;
    }
    problems.push(...validateOption(model, name, value, structured));
  }
  return problems;
}

function validateOption(model: CsdlModel, name: string, value: string, type: string | undefined): string[] {
  const problems: string[] = [];
  switch (name) {
    case 'select':
      for (const item of splitTopLevel(value, ',')) {
        if (item === '*' || !type) continue;
        if (item === '') problems.push(`$select: empty item in '${value}'`);
        else
          resolveMemberPath(
            model,
            type,
            item,
            { allowNavigation: false, allowCount: false },
            problems,
            '$select',
          );
      }
      break;
    case 'expand':
      for (const item of splitTopLevel(value, ','))
        if (type) problems.push(...validateExpandItem(model, type, item));
      break;
    case 'filter':
      if (type) problems.push(...validateFilter(model, type, value));
      break;
    case 'orderby':
      for (const item of splitTopLevel(value, ',')) {
        const match = /^\s*(\S+?)(?:\s+(asc|desc))?\s*$/i.exec(item);
        if (!match?.[1]) problems.push(`$orderby: cannot read '${item}'`);
        else if (type)
          resolveMemberPath(
            model,
            type,
            match[1],
            { allowNavigation: true, allowCount: true },
            problems,
            '$orderby',
          );
      }
      break;
    case 'top':
    case 'skip':
    case 'levels':
      if (!/^\d+$/.test(value) && !(name === 'levels' && value === 'max'))
        problems.push(`$${name} must be a non-negative integer (got '${value}')`);
      break;
    case 'count':
      if (value !== 'true' && value !== 'false')
        problems.push(`$count must be true or false (got '${value}')`);
      break;
    case 'search':
    case 'skiptoken':
    case 'deltatoken':
      if (value === '') problems.push(`$${name} is empty`);
      break;
  }
  return problems;
}

/** One $expand item: [cast/][complex/]navigation[/$ref|/$count][(nested options)] or "*". */
function validateExpandItem(model: CsdlModel, type: string, item: string): string[] {
  const problems: string[] = [];
  const match = /^([^()]+?)(?:\((.*)\))?$/s.exec(item.trim());
  if (!match?.[1]) return [`$expand: cannot read '${item}'`];
  const segments = match[1].split('/');
  const suffix = segments[segments.length - 1];
  if (suffix === '$ref' || suffix === '$count') segments.pop();
  const last = segments.pop() ?? '';
  if (last === '*') return problems;
  let owner = type;
  if (segments.length > 0) {
    const prefix = resolveMemberPath(
      model,
      type,
      segments.join('/'),
      { allowNavigation: false, allowCount: false },
      problems,
      '$expand',
    );
    if (!prefix) return problems;
    owner = prefix.type;
  }
  const member = findMember(model, owner, last, problems, '$expand');
  if (!member) return [...problems, `$expand: '${last}' is not a navigation property of ${owner}`];
  if (member.kind !== 'navigation')
    return [
      ...problems,
      `$expand: '${last}' is a property of ${owner}, not a navigation property; use $select`,
    ];
  if (match[2] !== undefined) {
    const nestedOptions = splitTopLevel(match[2], ';')
      .filter((part) => part !== '')
      .map((part): [string, string] => {
        const equals = part.indexOf('=');
        return equals < 0 ? [part, ''] : [part.slice(0, equals).trim(), part.slice(equals + 1)];
      });
    const target = { type: member.type, structured: !model.isScalarType(member.type.type) };
    for (const problem of validateQueryOptions(model, nestedOptions, target, true))
      problems.push(`$expand=${last}(…): ${problem}`);
  }
  return problems;
}

// A member path as $filter writes it: identifiers (casts contain dots) separated by "/", maybe ending in $count.
const PATH = String.raw`[A-Za-z_$][\w.$]*(?:/[A-Za-z_$][\w.$]*)*`;
const LAMBDA = new RegExp(String.raw`(?<![\w.'/$@])(${PATH})/(?:any|all)\(\s*([A-Za-z_]\w*)\s*:`, 'g');
const COMPARED = new RegExp(String.raw`(?<![\w.'/$@-])(${PATH})\s+(?:eq|ne|gt|ge|lt|le|in|has)\b`, 'g');
const FUNCTION_ARGUMENT = new RegExp(
  String.raw`\b(?:startswith|endswith|contains|tolower|toupper|length|trim|indexof|substring)\(\s*(${PATH})`,
  'gi',
);
const NOT_MEMBERS = new Set(['not', 'and', 'or', 'true', 'false', 'null']);

/**
 * The members $filter compares, tests with string functions or ranges over with any/all must exist; values and
 * the expression's shape are left to Graph. Lambda variables resolve to the element type of their collection.
 */
function validateFilter(model: CsdlModel, type: string, filter: string): string[] {
  const problems: string[] = [];
  const text = filter.replace(/'(?:[^']|'')*'/g, "''");
  const variables = new Map<string, string>();
  const check = (path: string): CsdlTypeRef | undefined => {
    const [head = '', ...tail] = path.split('/');
    if (head.startsWith('$') || head.startsWith('@') || NOT_MEMBERS.has(head.toLowerCase())) return undefined;
    const variableType = variables.get(head);
    if (variableType !== undefined) {
      if (tail.length === 0 || model.isScalarType(variableType)) return undefined;
      const options = { allowNavigation: true, allowCount: true };
      return resolveMemberPath(model, variableType, tail.join('/'), options, problems, '$filter');
    }
    return resolveMemberPath(
      model,
      type,
      path,
      { allowNavigation: true, allowCount: true },
      problems,
      '$filter',
    );
  };
  for (const match of text.matchAll(LAMBDA)) {
    const collection = check(match[1] ?? '');
    if (collection && !collection.isCollection)
      problems.push(`$filter: '${match[1] ?? ''}' is not a collection`);
    if (collection) variables.set(match[2] ?? '', collection.type);
  }
  for (const match of text.matchAll(COMPARED)) check(match[1] ?? '');
  for (const match of text.matchAll(FUNCTION_ARGUMENT)) check(match[1] ?? '');
  return problems;
}

/** Splits on `separator` outside parentheses and quoted strings. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')') depth--;
    else if (!quoted && depth === 0 && char === separator) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}
