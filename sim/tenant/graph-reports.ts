// /reports/authenticationMethods/userRegistrationDetails: the registration report (Entra ID P1 or P2), paged by
// user index with a boolean or string eq $filter.
import type { SimRequest, SimResponse } from '../types';
import type { SimDirectory } from './directory';
import { REGISTRATION_TYPE, registrationResource, type GraphResource } from './graph-entities';
import {
  contextSelection,
  decodeSkipToken,
  equalityFilter,
  pageSize,
  project,
  readQueryOptions,
  selectedProperties,
  type EqualityFilter,
  type PageLimits,
} from './graph-query';
import {
  collectionKey,
  collectionPage,
  entity,
  requirePremium,
  resourceNotFound,
  type GraphHandlerContext,
  type NextPage,
} from './graph-route-kit';

/** userRegistrationDetails' page size is undocumented: the simulator pages by 1000 and honours $top up to 999. */
const REGISTRATION_PAGE: PageLimits = { defaultSize: 1000, maxTop: 999 };

const REGISTRATION_FILTERABLE = [
  'id',
  'userPrincipalName',
  'userType',
  'isAdmin',
  'isMfaCapable',
  'isMfaRegistered',
  'isPasswordlessCapable',
  'isSsprCapable',
  'isSsprEnabled',
  'isSsprRegistered',
];

const ROUTE = '/reports/authenticationMethods/userRegistrationDetails';

function registrationAt(directory: SimDirectory, index: number): GraphResource | undefined {
  const user = directory.user(index);
  const registration = directory.registrationOf(user);
  return registration ? registrationResource(user, registration) : undefined;
}

export function matchesFilter(resource: GraphResource, filter: EqualityFilter | undefined): boolean {
  if (!filter) return true;
  const actual = resource[filter.property];
  return typeof filter.value === 'string'
    ? typeof actual === 'string' && actual.toLowerCase() === filter.value.toLowerCase()
    : actual === filter.value;
}

export function listRegistrations(context: GraphHandlerContext, req: SimRequest): SimResponse {
  requirePremium(context);
  const query = readQueryOptions(req.url, ROUTE, ['select', 'top', 'filter', 'skiptoken']);
  const properties = selectedProperties(query.select, REGISTRATION_TYPE);
  const filter = equalityFilter(query.filter, REGISTRATION_FILTERABLE);
  const size = pageSize(query.top, REGISTRATION_PAGE);
  const offset = decodeSkipToken(query.skiptoken, collectionKey(req));
  const { directory } = context;
  // The offset is a user index: users without a record (or filtered out) are skipped, and the next page starts
  // at the first user beyond this page that has a matching record, so no page is empty.
  const value: GraphResource[] = [];
  let next: NextPage | undefined;
  for (let index = offset; index < directory.userCount; index++) {
    const resource = registrationAt(directory, index);
    if (!resource || !matchesFilter(resource, filter)) continue;
    if (value.length === size) {
      next = { collection: collectionKey(req), offset: index };
      break;
    }
    value.push(project(resource, properties));
  }
  return collectionPage(req, `${ROUTE.slice(1)}${contextSelection(query.select, properties)}`, value, next);
}

export function getRegistration(
  context: GraphHandlerContext,
  req: SimRequest,
  [id = '']: string[],
): SimResponse {
  requirePremium(context);
  const query = readQueryOptions(req.url, `${ROUTE}/{id}`, ['select']);
  const properties = selectedProperties(query.select, REGISTRATION_TYPE);
  const user = context.directory.findUser(id);
  const resource = user ? registrationAt(context.directory, user.index) : undefined;
  if (!resource) throw resourceNotFound(id);
  return entity(req, `${ROUTE.slice(1)}/$entity`, project(resource, properties));
}
