// Resolves a member path such as "signInActivity/lastSignInDateTime" or "microsoft.graph.user/mail" from a type,
// as $select, $expand, $filter and $orderby name members. Shared rules for those query options:
// - names are matched case-insensitively (as Graph does) but a spelling other than the declared one is reported,
//   since OData identifiers are case-sensitive and some Graph workloads are;
// - on microsoft.graph.directoryObject, members of derived types are accepted unqualified, as Graph's directory
//   endpoints (e.g. /groups/{id}/members?$select=userPrincipalName) accept them; elsewhere a cast is needed;
// - open types accept directory extension properties (extension_<appId without dashes>_<name>).
import type { CsdlModel, CsdlTypeRef } from './csdl-model';

export const DIRECTORY_OBJECT = 'microsoft.graph.directoryObject';
const EXTENSION_PROPERTY = /^extension_[0-9a-f]{32}_\w+$/i;

export type MemberKind = 'property' | 'navigation';

export interface ResolvedMember {
  kind: MemberKind;
  /** Type of the member; for a property path, of its last segment. */
  type: CsdlTypeRef;
}

/** A member of `type` named `name`, with the directoryObject and open-type rules above; undefined if none. */
export function findMember(
  model: CsdlModel,
  type: string,
  name: string,
  problems: string[],
  context: string,
): ResolvedMember | undefined {
  const candidates = [
    type,
    ...(type.toLowerCase() === DIRECTORY_OBJECT.toLowerCase() ? model.derivedTypes(type) : []),
  ];
  for (const candidate of candidates) {
    const property = model.property(candidate, name);
    if (property) {
      checkSpelling(name, property.declared, problems, context);
      return { kind: 'property', type: property.value };
    }
    const navigation = model.navigationProperty(candidate, name);
    if (navigation) {
      checkSpelling(name, navigation.declared, problems, context);
      return { kind: 'navigation', type: navigation.value };
    }
  }
  if (model.structuredType(type)?.isOpen && EXTENSION_PROPERTY.test(name))
    return { kind: 'property', type: { type: 'Edm.Untyped', isCollection: false } };
  return undefined;
}

export function checkSpelling(written: string, declared: string, problems: string[], context: string): void {
  if (written !== declared)
    problems.push(`${context}: '${written}' is declared as '${declared}' (case differs)`);
}

export interface MemberPathOptions {
  /** Navigation properties may appear in the path ($filter, $orderby) or not ($select). */
  allowNavigation: boolean;
  /** "$count" may end a collection-valued path ($filter, $orderby). */
  allowCount: boolean;
}

/**
 * Resolves `path` (segments separated by "/") from `start`; reports problems into `problems` and returns the type
 * of the last segment, or undefined when the path does not resolve.
 */
export function resolveMemberPath(
  model: CsdlModel,
  start: string,
  path: string,
  options: MemberPathOptions,
  problems: string[],
  context: string,
): CsdlTypeRef | undefined {
  let current: CsdlTypeRef = { type: start, isCollection: false };
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const where = segments.length > 1 ? `${context}: '${path}'` : context;
    if (segment === '$count') {
      if (!options.allowCount || !current.isCollection || i !== segments.length - 1) {
        problems.push(`${where}: $count may only end a path to a collection`);
        return undefined;
      }
      return { type: 'Edm.Int32', isCollection: false };
    }
    if (current.isCollection) {
      problems.push(
        `${where}: '${segments[i - 1] ?? ''}' is a collection; use any()/all() to reach its members`,
      );
      return undefined;
    }
    if (model.isScalarType(current.type)) {
      problems.push(`${where}: '${segments[i - 1] ?? ''}' is of type ${current.type}, which has no members`);
      return undefined;
    }
    const cast = segment.includes('.') ? model.structuredType(segment) : undefined;
    if (cast) {
      if (!model.isSubtypeOf(cast.qualifiedName, current.type)) {
        problems.push(`${where}: ${cast.qualifiedName} does not derive from ${current.type}`);
        return undefined;
      }
      current = { type: cast.qualifiedName, isCollection: false };
      continue;
    }
    const member = findMember(model, current.type, segment, problems, context);
    if (!member) {
      problems.push(`${where}: '${segment}' is not a property of ${current.type}`);
      return undefined;
    }
    if (member.kind === 'navigation' && !options.allowNavigation) {
      problems.push(`${where}: '${segment}' is a navigation property of ${current.type}; use $expand`);
      return undefined;
    }
    current = member.type;
  }
  return current;
}
