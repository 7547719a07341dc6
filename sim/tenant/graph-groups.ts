// /groups/{id}, /groups/{id}/members and /groups/{id}/transitiveMembers: directoryObjects of two types (users and
// groups, each with "@odata.type"); $select names properties of either type and each member gets its own.
import type { SimRequest, SimResponse } from '../types';
import type { GroupMember } from './directory';
import { badRequest } from './graph-errors';
import { GROUP_TYPE, groupResource, USER_TYPE, userResource, type GraphResource } from './graph-entities';
import {
  contextSelection,
  decodeSkipToken,
  pageSize,
  project,
  readQueryOptions,
  selectedProperties,
  type PageLimits,
} from './graph-query';
import {
  collectionKey,
  collectionPage,
  entity,
  pageOfList,
  resourceNotFound,
  type GraphHandlerContext,
} from './graph-route-kit';

const MEMBER_PAGE: PageLimits = { defaultSize: 100, maxTop: 999 };

export function getGroup(context: GraphHandlerContext, req: SimRequest, [id = '']: string[]): SimResponse {
  const query = readQueryOptions(req.url, '/groups/{id}', ['select']);
  const properties = selectedProperties(query.select, GROUP_TYPE);
  const group = context.directory.groupById(id);
  if (!group) throw resourceNotFound(id);
  return entity(
    req,
    `groups${contextSelection(query.select, properties)}/$entity`,
    project(groupResource(group), properties),
  );
}

export function listGroupMembers(
  context: GraphHandlerContext,
  req: SimRequest,
  params: string[],
): SimResponse {
  return listMembers(context, req, params, 'members');
}

/** Nested groups flattened, each user and group once (Conditional Access applies exclusions this way). */
export function listGroupTransitiveMembers(
  context: GraphHandlerContext,
  req: SimRequest,
  params: string[],
): SimResponse {
  return listMembers(context, req, params, 'transitiveMembers');
}

function listMembers(
  context: GraphHandlerContext,
  req: SimRequest,
  [id = '']: string[],
  relation: 'members' | 'transitiveMembers',
): SimResponse {
  const query = readQueryOptions(req.url, `/groups/{id}/${relation}`, ['select', 'top', 'skiptoken']);
  const selection = memberSelection(query.select);
  const { directory } = context;
  const group = directory.groupById(id);
  if (!group) throw resourceNotFound(id);
  const size = pageSize(query.top, MEMBER_PAGE);
  const offset = decodeSkipToken(query.skiptoken, collectionKey(req));
  const members =
    relation === 'members' ? directory.groupMembers(group) : directory.transitiveGroupMembers(group);
  const { page, next } = pageOfList(members, offset, size, collectionKey(req));
  const value = page.map((member) => memberResource(member, selection));
  const names = query.select === undefined ? [] : [...new Set([...selection.user, ...selection.group])];
  return collectionPage(req, `directoryObjects${contextSelection(query.select, names)}`, value, next);
}

function memberResource(member: GroupMember, selection: MemberSelection): GraphResource {
  if (member.kind === 'user') {
    return { '@odata.type': '#microsoft.graph.user', ...project(userResource(member.user), selection.user) };
  }
  return {
    '@odata.type': '#microsoft.graph.group',
    ...project(groupResource(member.group), selection.group),
  };
}

interface MemberSelection {
  user: readonly string[];
  group: readonly string[];
}

/** Each name must exist on user or group; a member gets the selected properties its type declares. */
function memberSelection(select: string | undefined): MemberSelection {
  if (select === undefined) return { user: USER_TYPE.defaultProperties, group: GROUP_TYPE.defaultProperties };
  const names = select.split(',').map((name) => name.trim());
  const declaredOn = (type: typeof USER_TYPE, name: string): boolean =>
    type.csdlProperties.some((property) => property.toLowerCase() === name.toLowerCase());
  for (const name of names) {
    if (!declaredOn(USER_TYPE, name) && !declaredOn(GROUP_TYPE, name)) {
      throw badRequest(
        `Could not find a property named '${name}' on type 'microsoft.graph.directoryObject'.`,
      );
    }
  }
  const selectFor = (type: typeof USER_TYPE): readonly string[] => {
    const own = names.filter((name) => declaredOn(type, name));
    return own.length === 0 ? ['id'] : selectedProperties(own.join(','), type);
  };
  return { user: selectFor(USER_TYPE), group: selectFor(GROUP_TYPE) };
}
