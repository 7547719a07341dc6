import type { InventoryRow, ScanCheckpoint, StreamState } from '../checkpoints/scan-checkpoint';
import { ExchangeError } from '../cloud/exchange-error';
import { GraphError } from '../cloud/graph-error';
import type { ProgressSink } from '../collectors/progress';
import type { Finding } from '../controls/types';
import type { Logger } from '../observability/logger';

/** One page of a stream as its source hands it out: the items, the link after them, the stream's notes. */
export interface SourcePage<T> {
  items: T[];
  next: string | null;
  /** Facts a resume must keep (e.g. which variant of the request this link belongs to). */
  notes?: Record<string, unknown>;
}

/** What judging one page gives: findings by control id, inventory rows, and the stream's notes from now on. */
export interface JudgedPage {
  findings: ReadonlyMap<string, readonly Finding[]>;
  /** One row per asset of the page for the report's inventory sheet, committed with the findings. */
  inventory?: readonly InventoryRow[];
  notes?: Record<string, unknown>;
}

export interface CheckpointedStream<T> {
  checkpoint: ScanCheckpoint;
  /** Stream name in the checkpoint and in progress reports ("users", "mailboxes"). */
  name: string;
  /** Controls whose findings the stream collects. */
  controlIds: readonly string[];
  /** The pages from a saved position (its link and notes), or from the start when `from` is undefined. */
  open(from: StreamState | undefined): AsyncIterable<SourcePage<T>>;
  /** Judges one page; the notes are the stream's so far. */
  judge(items: T[], notes: Record<string, unknown>): Promise<JudgedPage>;
  progress: ProgressSink;
  logger: Logger;
}

export interface StreamOutcome {
  findings: Map<string, Finding[]>;
  notes: Record<string, unknown>;
}

/**
 * Runs a paged stream under the run's checkpoint: starts where an earlier attempt stopped, judges each page and
 * commits its findings together with the link to the next page, so a killed worker costs at most the page it
 * was on. A saved link the service no longer accepts (Graph skip tokens expire) makes the stream start over.
 */
export async function runCheckpointedStream<T>(stream: CheckpointedStream<T>): Promise<StreamOutcome> {
  const { checkpoint, name } = stream;
  let state = await checkpoint.streamState(name);
  if (state?.done !== true) {
    if (state !== undefined) {
      stream.logger.info(
        { stream: name, pages: state.pages, items: state.items },
        `resuming ${name} from checkpoint`,
      );
    }
    try {
      state = await readPages(stream, state);
    } catch (err) {
      if (!(err instanceof SavedLinkRefused)) throw err;
      stream.logger.warn(
        { stream: name, err: err.cause },
        `saved link of ${name} refused; collecting ${name} from the start`,
      );
      await checkpoint.resetStream(name);
      state = await readPages(stream, undefined);
    }
  }
  const findings = new Map<string, Finding[]>();
  for (const id of stream.controlIds) findings.set(id, await checkpoint.findings(name, id));
  return { findings, notes: state.notes };
}

/** Reads, judges and commits every page from `from`; returns the final (done) state. */
async function readPages<T>(
  stream: CheckpointedStream<T>,
  from: StreamState | undefined,
): Promise<StreamState> {
  let state: StreamState = from ?? { next: null, done: false, pages: 0, items: 0, notes: {} };
  const pages = stream.open(from)[Symbol.asyncIterator]();
  for (let first = true; ; first = false) {
    let read: IteratorResult<SourcePage<T>>;
    try {
      read = await pages.next();
    } catch (err) {
      if (first && from !== undefined && refusedLink(err)) throw new SavedLinkRefused(err);
      throw err;
    }
    if (read.done === true) break;
    const page = read.value;
    const notes = { ...state.notes, ...page.notes };
    const judged = await stream.judge(page.items, notes);
    state = {
      next: page.next,
      done: page.next === null,
      pages: state.pages + 1,
      items: state.items + page.items.length,
      notes: { ...notes, ...judged.notes },
    };
    await stream.checkpoint.commitPage(stream.name, state, judged.findings, judged.inventory);
    stream.progress({ collector: stream.name, pages: state.pages, items: state.items });
  }
  if (!state.done) {
    // An empty collection yields no page at all; the stream is complete all the same.
    state = { ...state, next: null, done: true };
    await stream.checkpoint.commitPage(stream.name, state, new Map());
  }
  return state;
}

/** The first request from a saved link was refused: the stream must start over. */
class SavedLinkRefused extends Error {
  constructor(cause: unknown) {
    super('the saved link was refused', { cause });
  }
}

/** The service refused a saved link outright (expired or unknown skip token), not a passing failure. */
function refusedLink(err: unknown): boolean {
  return (err instanceof GraphError || err instanceof ExchangeError) && [400, 404, 410].includes(err.status);
}
