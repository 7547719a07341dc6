// validateGraphResource: do the member names of a JSON resource the sim returns exist on its Graph type? Checks
// declared spelling, @odata.type against the expected type, and recurses into complex values and expanded
// navigation properties. Values themselves (types, formats) are not checked.
import type { CsdlModel } from './csdl-model';
import { graphMetadata } from './csdl-loader';

export function validateGraphResource(
  type: string,
  resource: unknown,
  model: CsdlModel = graphMetadata(),
): string[] {
  const problems: string[] = [];
  check(model, type, resource, type, problems);
  return problems;
}

function check(model: CsdlModel, type: string, value: unknown, where: string, problems: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => check(model, type, item, `${where}[${index}]`, problems));
    return;
  }
  if (typeof value !== 'object' || value === null || model.isScalarType(type)) return;
  const resource = value as Record<string, unknown>;
  let actual = type;
  const odataType = resource['@odata.type'];
  if (typeof odataType === 'string') {
    const named = model.structuredType(odataType.replace(/^#/, ''));
    if (!named) problems.push(`${where}: @odata.type '${odataType}' is not a Graph v1.0 type`);
    else if (!model.isSubtypeOf(named.qualifiedName, type))
      problems.push(`${where}: @odata.type '${odataType}' does not derive from ${type}`);
    else actual = named.qualifiedName;
  }
  if (!model.structuredType(actual)) {
    problems.push(`${where}: ${actual} is not a structured Graph v1.0 type`);
    return;
  }
  for (const [name, member] of Object.entries(resource)) {
    if (name.includes('@')) continue; // instance annotations (@odata.context, manager@odata.navigationLink, …)
    const found = model.property(actual, name) ?? model.navigationProperty(actual, name);
    if (!found) {
      problems.push(`${where}: '${name}' is not a property of ${actual}`);
      continue;
    }
    if (found.declared !== name) problems.push(`${where}: '${name}' is declared as '${found.declared}'`);
    check(model, found.value.type, member, `${where}.${found.declared}`, problems);
  }
}
