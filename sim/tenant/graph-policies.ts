// Tenant-level configuration: /subscribedSkus, /identity/conditionalAccess/policies (+ /{id}) and
// /policies/identitySecurityDefaultsEnforcementPolicy. None pages (tenants have few of each).
import type { SimRequest, SimResponse } from '../types';
import { contextSelection, project, readQueryOptions, selectedProperties } from './graph-query';
import {
  CONDITIONAL_ACCESS_POLICY_TYPE,
  conditionalAccessPolicyResource,
  SECURITY_DEFAULTS_TYPE,
  securityDefaultsResource,
  SUBSCRIBED_SKU_TYPE,
  subscribedSkuResource,
} from './graph-policy-entities';
import { collectionPage, entity, resourceNotFound, type GraphHandlerContext } from './graph-route-kit';
import { subscribedSkuPartNumbers } from './skus';

export function listSubscribedSkus(context: GraphHandlerContext, req: SimRequest): SimResponse {
  const query = readQueryOptions(req.url, '/subscribedSkus', ['select']);
  const properties = selectedProperties(query.select, SUBSCRIBED_SKU_TYPE);
  const tenant = {
    tenantId: context.tenantId,
    name: context.tenantName,
    seed: context.seed,
    users: context.directory.userCount,
  };
  const value = subscribedSkuPartNumbers(context.licences).map((part) =>
    project(subscribedSkuResource(part, tenant), properties),
  );
  return collectionPage(req, `subscribedSkus${contextSelection(query.select, properties)}`, value, undefined);
}

export function listConditionalAccessPolicies(context: GraphHandlerContext, req: SimRequest): SimResponse {
  const query = readQueryOptions(req.url, '/identity/conditionalAccess/policies', ['select']);
  const properties = selectedProperties(query.select, CONDITIONAL_ACCESS_POLICY_TYPE);
  const value = context.directory.conditionalAccess.policies.map((policy) =>
    project(conditionalAccessPolicyResource(policy, req.url.origin), properties),
  );
  const contextName = `identity/conditionalAccess/policies${contextSelection(query.select, properties)}`;
  return collectionPage(req, contextName, value, undefined);
}

export function getConditionalAccessPolicy(
  context: GraphHandlerContext,
  req: SimRequest,
  [id = '']: string[],
): SimResponse {
  const query = readQueryOptions(req.url, '/identity/conditionalAccess/policies/{id}', ['select']);
  const properties = selectedProperties(query.select, CONDITIONAL_ACCESS_POLICY_TYPE);
  const policy = context.directory.conditionalAccess.policies.find((p) => p.id === id.toLowerCase());
  if (!policy) throw resourceNotFound(id);
  return entity(
    req,
    'identity/conditionalAccess/policies/$entity',
    project(conditionalAccessPolicyResource(policy, req.url.origin), properties),
  );
}

export function getSecurityDefaults(context: GraphHandlerContext, req: SimRequest): SimResponse {
  const query = readQueryOptions(req.url, '/policies/identitySecurityDefaultsEnforcementPolicy', ['select']);
  const properties = selectedProperties(query.select, SECURITY_DEFAULTS_TYPE);
  const resource = securityDefaultsResource(context.directory.conditionalAccess.securityDefaultsEnabled);
  return entity(
    req,
    'policies/identitySecurityDefaultsEnforcementPolicy/$entity',
    project(resource, properties),
  );
}
