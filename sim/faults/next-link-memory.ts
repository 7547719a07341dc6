// The @odata.nextLink values the sim has served lately, so that a nextlink-loop fault can hand one back verbatim.
// Keys are URL-normalized: the link as served and the request that followed it compare equal.

const MAX_LINKS = 1_000;

export class NextLinkMemory {
  private readonly links = new Map<string, string>();

  remember(link: string): void {
    const key = normalized(link);
    if (key === undefined) return;
    this.links.delete(key);
    this.links.set(key, link);
    if (this.links.size > MAX_LINKS) {
      const oldest = this.links.keys().next().value;
      if (oldest !== undefined) this.links.delete(oldest);
    }
  }

  /** The link exactly as served, when `url` is one the sim served. */
  served(url: URL): string | undefined {
    return this.links.get(url.href);
  }
}

function normalized(link: string): string | undefined {
  try {
    return new URL(link).href;
  } catch {
    return undefined;
  }
}
