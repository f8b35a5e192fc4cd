/** How a config apply was asked to run, and what it reports. */
export interface ApplyOptions {
  readonly prune: boolean;
  readonly force: boolean;
}

export interface ApplySummary {
  teamId: string;
  teamSlug: string;
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: number;
}
