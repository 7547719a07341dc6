// validateGraphRequest: is this request one Graph v1.0's metadata says exists? Resolves the path against the
// CSDL, checks the HTTP method against what the path addresses and the query options against the resolved type.
// Hosts are not checked (the sim serves Graph on a random local origin); only /v1.0 is.
import type { CsdlModel } from './csdl-model';
import { graphMetadata } from './csdl-loader';
import { resolvePath, type ResolvedPath } from './path-resolver';
import { validateQueryOptions, type QueryTarget } from './query-options';

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
const VERSION_PREFIX = '/v1.0';
// Only the path and query matter; a relative URL gets this origin to be parsed.
const PLACEHOLDER_ORIGIN = 'https://graph.microsoft.com';

/** Problems with one Graph request; an empty list means it is valid. `url` may be absolute or start with "/v1.0/". */
export function validateGraphRequest(
  method: string,
  url: string | URL,
  model: CsdlModel = graphMetadata(),
): string[] {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url, PLACEHOLDER_ORIGIN) : url;
  } catch {
    return [`Not a URL: ${String(url)}`];
  }
  const verb = method.toUpperCase();
  const problems: string[] = [];
  if (!METHODS.includes(verb)) problems.push(`Method ${method} is not one Graph serves`);

  const pathname = parsed.pathname;
  if (pathname !== VERSION_PREFIX && !pathname.startsWith(`${VERSION_PREFIX}/`))
    return [...problems, `Not a Graph v1.0 path: ${pathname} (must start with ${VERSION_PREFIX}/)`];
  const rawSegments = pathname.slice(VERSION_PREFIX.length + 1).split('/');
  if (rawSegments.length > 1 && rawSegments[rawSegments.length - 1] === '') rawSegments.pop();
  const segments: string[] = [];
  for (const raw of rawSegments) {
    if (raw === '') return [...problems, `Empty path segment in ${pathname}`];
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return [...problems, `Malformed percent-encoding in segment '${raw}'`];
    }
  }

  const resolution = resolvePath(model, segments);
  problems.push(...resolution.problems);
  const options = [...parsed.searchParams.entries()];
  if (resolution.kind !== 'resource') {
    const expected = resolution.kind === 'batch' ? 'POST' : 'GET';
    if (verb !== expected)
      problems.push(`/${resolution.kind === 'batch' ? '$batch' : '$metadata'} takes ${expected}`);
    if (options.length > 0 && resolution.kind === 'batch') problems.push('/$batch takes no query options');
    return problems;
  }
  const resolved = resolution.resolved;
  if (!resolved) {
    // The path did not resolve: still report unknown option names.
    problems.push(...validateQueryOptions(model, options, undefined));
    return problems;
  }
  const allowed = allowedMethods(resolved);
  if (METHODS.includes(verb) && !allowed.includes(verb))
    problems.push(`${verb} ${resolved.display}: ${describeTarget(resolved)} takes ${allowed.join(', ')}`);
  if (resolved.kind === 'none' && options.some(([name]) => name.startsWith('$'))) {
    problems.push(`${resolved.display} returns nothing; query options do not apply`);
    return problems;
  }
  const target: QueryTarget = {
    type: resolved.type,
    structured: resolved.kind === 'entity' || resolved.kind === 'complex',
  };
  problems.push(...validateQueryOptions(model, options, target));
  return problems;
}

function allowedMethods(resolved: ResolvedPath): string[] {
  if (resolved.suffix === '$count') return ['GET'];
  if (resolved.suffix === '$value') return ['GET', 'PUT'];
  if (resolved.suffix === '$ref')
    return resolved.type.isCollection ? ['GET', 'POST'] : ['GET', 'PUT', 'DELETE'];
  if (resolved.operation) return resolved.operation.kind === 'action' ? ['POST'] : ['GET'];
  if (resolved.kind === 'entity')
    return resolved.type.isCollection ? ['GET', 'POST'] : ['GET', 'PATCH', 'PUT', 'DELETE'];
  return ['GET', 'PATCH', 'PUT'];
}

function describeTarget(resolved: ResolvedPath): string {
  if (resolved.suffix) return resolved.suffix;
  if (resolved.operation) return `${resolved.operation.kind} ${resolved.operation.qualifiedName}`;
  if (resolved.kind === 'entity')
    return resolved.type.isCollection ? 'an entity collection' : 'a single entity';
  return 'a property';
}
