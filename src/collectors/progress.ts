/** What a collector reports while it works; the scan job turns it into job progress. */
export interface CollectProgress {
  collector: string;
  pages: number;
  items: number;
}

export type ProgressSink = (progress: CollectProgress) => void;
