// Graph v1.0 metadata (CSDL) for tests: validate the requests clients send and the routes and resources the sim
// serves against what Microsoft Graph declares.
export { graphCsdlPath, graphMetadata, CSDL_PATH_ENV } from './csdl-loader';
export type {
  CsdlContainerChild,
  CsdlModel,
  CsdlNavigationProperty,
  CsdlOperation,
  CsdlProperty,
  CsdlStructuredType,
  CsdlTypeRef,
} from './csdl-model';
export { parseCsdl } from './csdl-parser';
export { validateGraphRequest } from './request-validator';
export { validateBatchBody, MAX_BATCH_REQUESTS } from './batch-validator';
export { validateGraphResource } from './resource-validator';
export { createGraphRequestAudit, type GraphRequestAudit } from './request-audit';
export {
  SIM_GRAPH_ROUTE_EXAMPLES,
  exampleUrl,
  simEntityCatalogues,
  type SimGraphRouteExample,
} from './sim-routes';
export { SYSTEM_QUERY_OPTIONS } from './query-options';
