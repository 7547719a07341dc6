// $filter on /users: the documented subset a scanner uses, answered like Graph; anything else is a 400 in Graph's
// error shape (Graph itself accepts more, but a scanner relying on it would not be checked by the simulator).
//   accountEnabled eq true|false    userType eq 'Member'|'Guest'    onPremisesSyncEnabled eq true
//   id in ('…', …)  (at most 15 values)                              and  of any of these
import { badRequest, GraphError } from './graph-errors';
import { USER_TYPE } from './graph-entities';
import type { SimUser } from './users';

/** Graph's limit on values in an `in` clause (each counts as an OR child clause). */
export const MAX_IN_VALUES = 15;

export interface UserFilter {
  matches(user: SimUser): boolean;
  /** Set when an `id in (…)` clause limits the candidates (lower case, unique). */
  ids?: string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const unsupportedClause = (property: string): GraphError =>
  new GraphError(
    400,
    'Request_UnsupportedQuery',
    `Unsupported or invalid query filter clause specified for property '${property}' of resource 'User'.`,
  );

const incompatibleTypes = (left: string, right: string): GraphError =>
  badRequest(
    `A binary operator with incompatible types was detected. Found operand types '${left}' and '${right}' ` +
      `for operator kind 'Equal'.`,
  );

export function parseUserFilter(filter: string | undefined): UserFilter | undefined {
  if (filter === undefined) return undefined;
  const tests: Array<(user: SimUser) => boolean> = [];
  let ids: string[] | undefined;
  for (const clause of splitAnd(filter)) {
    const parsed = parseClause(clause);
    if ('ids' in parsed) {
      if (ids) throw unsupportedClause('id');
      ids = parsed.ids;
    } else {
      tests.push(parsed.test);
    }
  }
  const idSet = ids ? new Set(ids) : undefined;
  return {
    matches: (user) => (!idSet || idSet.has(user.id)) && tests.every((test) => test(user)),
    ...(ids ? { ids } : {}),
  };
}

/** Splits on " and " outside string literals ('' escapes a quote inside one). */
function splitAnd(filter: string): string[] {
  const clauses: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < filter.length; i++) {
    const char = filter[i] ?? '';
    if (char === "'") quoted = !quoted;
    if (!quoted && /^\sand\s/i.test(filter.slice(i, i + 5))) {
      clauses.push(current);
      current = '';
      i += 4;
      continue;
    }
    current += char;
  }
  if (quoted) throw badRequest(`Invalid filter clause: unterminated string literal in '${filter}'.`);
  clauses.push(current);
  return clauses.map((clause) => clause.trim());
}

type ParsedClause = { test: (user: SimUser) => boolean } | { ids: string[] };

function parseClause(clause: string): ParsedClause {
  const match = /^([A-Za-z][A-Za-z0-9]*)\s+(eq|in)\s+(.+)$/i.exec(clause);
  if (!match?.[1] || !match[2] || !match[3]) {
    const property = /^[A-Za-z][A-Za-z0-9]*/.exec(clause)?.[0];
    if (property && knownProperty(property)) throw unsupportedClause(declared(property));
    throw badRequest(`Invalid filter clause: '${clause}' is not supported.`);
  }
  const [, name, rawOperator, operand] = match;
  if (!knownProperty(name)) {
    throw badRequest(`Could not find a property named '${name}' on type '${USER_TYPE.name}'.`);
  }
  const property = declared(name);
  const operator = rawOperator.toLowerCase();
  const value = operand.trim();

  if (operator === 'in') {
    if (property !== 'id') throw unsupportedClause(property);
    return { ids: parseIdList(value) };
  }
  const literal = parseLiteral(value);
  if (literal === undefined) throw badRequest(`Invalid filter clause: cannot read the value '${value}'.`);
  switch (property) {
    case 'accountEnabled': {
      if (typeof literal !== 'boolean') throw incompatibleTypes('Edm.Boolean', 'Edm.String');
      return { test: (user) => user.accountEnabled === literal };
    }
    case 'onPremisesSyncEnabled': {
      if (typeof literal !== 'boolean') throw incompatibleTypes('Edm.Boolean', 'Edm.String');
      // Only "eq true" works without advanced query parameters.
      if (!literal) throw unsupportedClause(property);
      return { test: (user) => user.onPremisesSyncEnabled === true };
    }
    case 'userType': {
      if (typeof literal !== 'string') throw incompatibleTypes('Edm.String', 'Edm.Boolean');
      return { test: (user) => user.userType.toLowerCase() === literal.toLowerCase() };
    }
    default:
      throw unsupportedClause(property);
  }
}

function parseIdList(value: string): string[] {
  const list = /^\((.*)\)$/.exec(value)?.[1];
  if (list === undefined)
    throw badRequest(`Invalid filter clause: expected a list in parentheses, got '${value}'.`);
  const items = list.split(',').map((item) => parseLiteral(item.trim()));
  if (items.length > MAX_IN_VALUES) {
    throw new GraphError(
      400,
      'Request_UnsupportedQuery',
      `Too many child clauses specified in search filter expression containing 'OR' operators: ` +
        `${items.length}. Max allowed: ${MAX_IN_VALUES}.`,
    );
  }
  return [
    ...new Set(
      items.map((item) => {
        if (typeof item !== 'string') throw badRequest(`Invalid filter clause: ids are quoted strings.`);
        if (!GUID.test(item))
          throw new GraphError(400, 'Request_BadRequest', `Invalid object identifier '${item}'.`);
        return item.toLowerCase();
      }),
    ),
  ];
}

function parseLiteral(text: string): string | boolean | undefined {
  if (text === 'true' || text === 'false') return text === 'true';
  const quoted = /^'((?:[^']|'')*)'$/.exec(text);
  return quoted?.[1]?.replace(/''/g, "'");
}

function knownProperty(name: string): boolean {
  return USER_TYPE.csdlProperties.some((property) => property.toLowerCase() === name.toLowerCase());
}

function declared(name: string): string {
  return USER_TYPE.csdlProperties.find((property) => property.toLowerCase() === name.toLowerCase()) ?? name;
}
