// The indexed CSDL: structured types with their inheritance, entity sets and singletons, and bound operations.
// Lookups are case-insensitive and return the declared spelling, so callers can tell a typo from a case slip.

/** A type reference: qualified name with aliases resolved ("microsoft.graph.user", "Edm.String"). */
export interface CsdlTypeRef {
  type: string;
  isCollection: boolean;
}

export interface CsdlProperty extends CsdlTypeRef {
  name: string;
}

export interface CsdlNavigationProperty extends CsdlTypeRef {
  name: string;
  containsTarget: boolean;
}

export interface CsdlStructuredType {
  /** e.g. "microsoft.graph.user". */
  qualifiedName: string;
  kind: 'entity' | 'complex';
  baseType: string | undefined;
  isAbstract: boolean;
  /** Open types accept dynamic properties; Graph's are directory extension properties (extension_<app>_<name>). */
  isOpen: boolean;
  hasStream: boolean;
  /** Declared on this type only (not inherited), keyed by lower-case name. */
  properties: Map<string, CsdlProperty>;
  navigationProperties: Map<string, CsdlNavigationProperty>;
}

export interface CsdlOperation {
  kind: 'action' | 'function';
  /** e.g. "sendMail"; qualifiedName is "microsoft.graph.sendMail". */
  name: string;
  qualifiedName: string;
  /** Type of the binding parameter (all Graph operations are bound). */
  binding: CsdlTypeRef;
  /** Parameters after the binding one. */
  parameters: string[];
  returnType: CsdlTypeRef | undefined;
  isComposable: boolean;
}

export interface CsdlContainerChild {
  kind: 'entitySet' | 'singleton';
  name: string;
  type: string;
}

/** A member found case-insensitively: `declared` is its spelling in the CSDL. */
export interface Found<T> {
  value: T;
  declared: string;
}

export class CsdlModel {
  private readonly flattenedProperties = new Map<string, Map<string, CsdlProperty>>();
  private readonly flattenedNavigation = new Map<string, Map<string, CsdlNavigationProperty>>();
  private readonly derivedByBase = new Map<string, string[]>();

  constructor(
    /** Keyed by lower-case qualified name. */
    readonly types: ReadonlyMap<string, CsdlStructuredType>,
    /** Qualified names (lower case) of enum and type-definition types: valid property types without members. */
    readonly enumTypes: ReadonlySet<string>,
    /** Keyed by lower-case name. */
    readonly containerChildren: ReadonlyMap<string, CsdlContainerChild>,
    /** Keyed by lower-case unqualified name; overloads differ by binding type. */
    readonly operations: ReadonlyMap<string, readonly CsdlOperation[]>,
  ) {
    for (const type of types.values()) {
      if (!type.baseType) continue;
      const base = type.baseType.toLowerCase();
      const list = this.derivedByBase.get(base) ?? [];
      list.push(type.qualifiedName);
      this.derivedByBase.set(base, list);
    }
  }

  structuredType(qualifiedName: string): CsdlStructuredType | undefined {
    return this.types.get(qualifiedName.toLowerCase());
  }

  /** The type and its ancestors, most derived first. */
  lineage(qualifiedName: string): CsdlStructuredType[] {
    const chain: CsdlStructuredType[] = [];
    let current = this.structuredType(qualifiedName);
    while (current && chain.length < 64) {
      chain.push(current);
      current = current.baseType ? this.structuredType(current.baseType) : undefined;
    }
    return chain;
  }

  isSubtypeOf(qualifiedName: string, ancestor: string): boolean {
    const wanted = ancestor.toLowerCase();
    return this.lineage(qualifiedName).some((type) => type.qualifiedName.toLowerCase() === wanted);
  }

  /** Every type deriving from `qualifiedName`, directly or not (the type itself excluded). */
  derivedTypes(qualifiedName: string): string[] {
    const result: string[] = [];
    const pending = [qualifiedName.toLowerCase()];
    while (pending.length > 0) {
      for (const child of this.derivedByBase.get(pending.pop() ?? '') ?? []) {
        result.push(child);
        pending.push(child.toLowerCase());
      }
    }
    return result;
  }

  /** Structural properties of the type, inherited ones included. */
  properties(qualifiedName: string): ReadonlyMap<string, CsdlProperty> {
    const key = qualifiedName.toLowerCase();
    let map = this.flattenedProperties.get(key);
    if (!map) {
      map = new Map();
      for (const type of this.lineage(qualifiedName).reverse())
        for (const [name, property] of type.properties) map.set(name, property);
      this.flattenedProperties.set(key, map);
    }
    return map;
  }

  /** Navigation properties of the type, inherited ones included. */
  navigationProperties(qualifiedName: string): ReadonlyMap<string, CsdlNavigationProperty> {
    const key = qualifiedName.toLowerCase();
    let map = this.flattenedNavigation.get(key);
    if (!map) {
      map = new Map();
      for (const type of this.lineage(qualifiedName).reverse())
        for (const [name, navigation] of type.navigationProperties) map.set(name, navigation);
      this.flattenedNavigation.set(key, map);
    }
    return map;
  }

  property(qualifiedName: string, name: string): Found<CsdlProperty> | undefined {
    const value = this.properties(qualifiedName).get(name.toLowerCase());
    return value && { value, declared: value.name };
  }

  navigationProperty(qualifiedName: string, name: string): Found<CsdlNavigationProperty> | undefined {
    const value = this.navigationProperties(qualifiedName).get(name.toLowerCase());
    return value && { value, declared: value.name };
  }

  containerChild(name: string): Found<CsdlContainerChild> | undefined {
    const value = this.containerChildren.get(name.toLowerCase());
    return value && { value, declared: value.name };
  }

  /**
   * Overloads of operation `name` (unqualified, or qualified with its namespace) bindable to `target`: the binding
   * parameter's type is the target's type or one of its ancestors, with the same collection-ness.
   */
  boundOperations(name: string, target: CsdlTypeRef): CsdlOperation[] {
    const lower = name.toLowerCase();
    const simple = lower.slice(lower.lastIndexOf('.') + 1);
    return (this.operations.get(simple) ?? []).filter(
      (operation) =>
        (lower === simple || operation.qualifiedName.toLowerCase() === lower) &&
        operation.binding.isCollection === target.isCollection &&
        this.isSubtypeOf(target.type, operation.binding.type),
    );
  }

  /** Whether `qualifiedName` names a primitive (Edm.*), enum or type-definition type. */
  isScalarType(qualifiedName: string): boolean {
    return qualifiedName.startsWith('Edm.') || this.enumTypes.has(qualifiedName.toLowerCase());
  }
}
