// Builds a CsdlModel from CSDL XML text in one pass over its tags. Type references are stored as written and
// qualified (aliases such as "graph." resolved) once every Schema's alias is known.
import {
  CsdlModel,
  type CsdlContainerChild,
  type CsdlOperation,
  type CsdlStructuredType,
  type CsdlTypeRef,
} from './csdl-model';
import { xmlTags } from './xml-tags';

export function parseCsdl(xml: string): CsdlModel {
  const aliases = new Map<string, string>();
  const types: CsdlStructuredType[] = [];
  const enumTypes: string[] = [];
  const children: CsdlContainerChild[] = [];
  const operations: CsdlOperation[] = [];
  // References to qualify after the pass, as setters.
  const pendingRefs: { raw: string; apply(qualified: string): void }[] = [];
  const later = (raw: string, apply: (qualified: string) => void): void => {
    pendingRefs.push({ raw, apply });
  };

  const stack: string[] = [];
  let namespace = '';
  let currentType: CsdlStructuredType | undefined;
  let currentOperation: CsdlOperation | undefined;
  let sawBinding = false;

  for (const tag of xmlTags(xml)) {
    if (tag.kind === 'end') {
      stack.pop();
      if (tag.name === 'EntityType' || tag.name === 'ComplexType') currentType = undefined;
      if (tag.name === 'Action' || tag.name === 'Function') currentOperation = undefined;
      continue;
    }
    const parent = stack[stack.length - 1];
    const a = tag.attributes;
    switch (tag.name) {
      case 'Schema':
        namespace = a.Namespace ?? '';
        if (a.Alias) aliases.set(a.Alias, namespace);
        break;
      case 'EntityType':
      case 'ComplexType': {
        const type: CsdlStructuredType = {
          qualifiedName: `${namespace}.${a.Name ?? ''}`,
          kind: tag.name === 'EntityType' ? 'entity' : 'complex',
          baseType: undefined,
          isAbstract: a.Abstract === 'true',
          isOpen: a.OpenType === 'true',
          hasStream: a.HasStream === 'true',
          properties: new Map(),
          navigationProperties: new Map(),
        };
        if (a.BaseType) later(a.BaseType, (qualified) => (type.baseType = qualified));
        types.push(type);
        currentType = tag.kind === 'start' ? type : undefined;
        break;
      }
      case 'EnumType':
      case 'TypeDefinition':
        enumTypes.push(`${namespace}.${a.Name ?? ''}`);
        break;
      case 'Property':
      case 'NavigationProperty': {
        if (!currentType || (parent !== 'EntityType' && parent !== 'ComplexType')) break;
        const name = a.Name ?? '';
        const ref = typeRef(a.Type ?? '');
        if (tag.name === 'Property') {
          const property = { name, ...ref };
          currentType.properties.set(name.toLowerCase(), property);
          later(ref.type, (qualified) => (property.type = qualified));
        } else {
          const navigation = { name, ...ref, containsTarget: a.ContainsTarget === 'true' };
          currentType.navigationProperties.set(name.toLowerCase(), navigation);
          later(ref.type, (qualified) => (navigation.type = qualified));
        }
        break;
      }
      case 'Action':
      case 'Function': {
        const operation: CsdlOperation = {
          kind: tag.name === 'Action' ? 'action' : 'function',
          name: a.Name ?? '',
          qualifiedName: `${namespace}.${a.Name ?? ''}`,
          binding: { type: '', isCollection: false },
          parameters: [],
          returnType: undefined,
          isComposable: a.IsComposable === 'true',
        };
        // Unbound operations are only reachable through imports, which Graph v1.0 does not declare.
        if (a.IsBound === 'true') operations.push(operation);
        currentOperation = tag.kind === 'start' ? operation : undefined;
        sawBinding = a.IsBound !== 'true';
        break;
      }
      case 'Parameter': {
        if (!currentOperation || (parent !== 'Action' && parent !== 'Function')) break;
        const operation = currentOperation;
        if (!sawBinding) {
          sawBinding = true;
          operation.binding = typeRef(a.Type ?? '');
          later(operation.binding.type, (qualified) => (operation.binding.type = qualified));
        } else {
          operation.parameters.push(a.Name ?? '');
        }
        break;
      }
      case 'ReturnType': {
        if (!currentOperation || (parent !== 'Action' && parent !== 'Function')) break;
        const returnType = typeRef(a.Type ?? '');
        currentOperation.returnType = returnType;
        later(returnType.type, (qualified) => (returnType.type = qualified));
        break;
      }
      case 'EntitySet':
      case 'Singleton': {
        if (parent !== 'EntityContainer') break;
        const child: CsdlContainerChild = {
          kind: tag.name === 'EntitySet' ? 'entitySet' : 'singleton',
          name: a.Name ?? '',
          type: a.EntityType ?? a.Type ?? '',
        };
        children.push(child);
        later(child.type, (qualified) => (child.type = qualified));
        break;
      }
    }
    if (tag.kind === 'start') stack.push(tag.name);
  }

  const qualify = (raw: string): string => {
    const dot = raw.lastIndexOf('.');
    const target = dot > 0 ? aliases.get(raw.slice(0, dot)) : undefined;
    return target ? `${target}${raw.slice(dot)}` : raw;
  };
  for (const ref of pendingRefs) ref.apply(qualify(ref.raw));

  const operationsByName = new Map<string, CsdlOperation[]>();
  for (const operation of operations) {
    const key = operation.name.toLowerCase();
    operationsByName.set(key, [...(operationsByName.get(key) ?? []), operation]);
  }
  return new CsdlModel(
    new Map(types.map((type) => [type.qualifiedName.toLowerCase(), type])),
    new Set(enumTypes.map((name) => name.toLowerCase())),
    new Map(children.map((child) => [child.name.toLowerCase(), child])),
    operationsByName,
  );
}

function typeRef(raw: string): CsdlTypeRef {
  const match = /^Collection\((.*)\)$/.exec(raw);
  return match ? { type: match[1] ?? '', isCollection: true } : { type: raw, isCollection: false };
}
