// Collected parts hold Maps and Sets (registrations by user id, SKUs by id, group members): JSON alone would turn
// them into {}. Tagged objects keep them; no collected value has a "$map" or "$set" key of its own.

export function encodeCheckpointValue(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Map) return { $map: [...item.entries()] };
    if (item instanceof Set) return { $set: [...item.values()] };
    return item;
  });
}

export function decodeCheckpointValue(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const tagged = item as { $map?: unknown; $set?: unknown };
    if (Array.isArray(tagged.$map) && Object.keys(item).length === 1)
      return new Map(tagged.$map as Array<[unknown, unknown]>);
    if (Array.isArray(tagged.$set) && Object.keys(item).length === 1) return new Set(tagged.$set);
    return item;
  });
}
