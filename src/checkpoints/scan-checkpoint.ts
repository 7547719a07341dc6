import type { Finding } from '../controls/types';

/** What a run fixes on its first start and keeps when it resumes, so that a resumed run judges like one. */
export interface RunFacts {
  /** ISO instant the run first started (the report's run window opens here). */
  startedAt: string;
  /** ISO instant the controls judge against (ID-09's staleness). */
  now: string;
}

/** One asset's row of an inventory sheet, as JSON carries it (dates as ISO strings). */
export type InventoryRow = ReadonlyArray<string | number | boolean | null>;

/** Rows kept outside the heap until the report reads them: their number first, then the rows themselves. */
export interface SpooledRows {
  count: number;
  rows: AsyncIterable<InventoryRow>;
}

/** Where one paged collection (users, mailboxes) stands. */
export interface StreamState {
  /** Absolute link of the next page to read; null when the stream is complete. */
  next: string | null;
  done: boolean;
  pages: number;
  items: number;
  /** Facts of the stream a resume must keep (which variant of the request, refusals met on the way). */
  notes: Record<string, unknown>;
}

/**
 * Collection progress of one run, saved as it goes so that a job that dies (SIGKILL, lost node) or is retried
 * resumes where it stopped instead of starting over. Small collected parts are saved whole; paged streams
 * save their cursor and their findings page by page, each page in one atomic step.
 */
export interface ScanCheckpoint {
  /** Fixes the run's facts on its first start; a resumed run gets the first start's facts back. */
  begin(facts: RunFacts): Promise<{ facts: RunFacts; resumed: boolean }>;
  /** A part saved by an earlier attempt of this run, or undefined. */
  loadPart(name: string): Promise<unknown>;
  savePart(name: string, value: unknown): Promise<void>;
  /** Where a stream stands, or undefined when it has not started. */
  streamState(stream: string): Promise<StreamState | undefined>;
  /**
   * Atomically appends a page's findings (by control id) and its inventory rows (one JSON-able row per asset, for
   * the report's inventory sheets) and moves the stream past that page.
   */
  commitPage(
    stream: string,
    state: StreamState,
    findings: ReadonlyMap<string, readonly Finding[]>,
    inventory?: readonly InventoryRow[],
  ): Promise<void>;
  /** Forgets a stream's position and findings: it starts over (its saved link was refused). */
  resetStream(stream: string): Promise<void>;
  /** The findings committed for one control of a stream, in commit order. */
  findings(stream: string, controlId: string): Promise<Finding[]>;
  /** The inventory rows committed for a stream, in commit order, read a chunk at a time. */
  inventory(stream: string): Promise<SpooledRows>;
  /** Deletes everything of the run: its report is written. */
  clear(): Promise<void>;
}
