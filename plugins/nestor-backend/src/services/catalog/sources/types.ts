/**
 * Basic-auth credentials for a Git server (tokens go in `password`).
 * @public
 */
export interface GitAuth {
  username: string;
  password: string;
}

/** What changed in a source between two snapshots. @public */
export interface SourceChanges {
  /**
   * True when there was no usable base to diff against (first sync, a new
   * replica, a base commit that is gone): `changed` then lists every file.
   */
  full: boolean;
  /** files added or modified, repository-relative with `/` separators */
  changed: string[];
  /** files deleted */
  deleted: string[];
}

/** One state of a source, read lazily. @public */
export interface SourceSnapshot {
  /** the commit (or, for a local folder, a content fingerprint) */
  commit: string;
  changes: SourceChanges;
  /** Reads files at this snapshot; files that do not exist are absent from the map. */
  readFiles(paths: string[]): Promise<Map<string, Buffer>>;
  /** Every file below `dir` (repository-relative) at this snapshot. */
  listFiles(dir: string): Promise<string[]>;
}

/**
 * Reads a catalog source (a Git repository or a local folder).
 * @public
 */
export interface SourceReader {
  /**
   * Brings the local copy up to date and describes what changed since
   * `sinceCommit` (every file when it is undefined or unknown here). Only
   * files below the source's sub-path are listed.
   */
  read(options: { sinceCommit?: string; signal?: AbortSignal }): Promise<SourceSnapshot>;
  /**
   * Records that the snapshot's commit was synced, so it stays available as
   * the base of the next diff.
   */
  markSynced?(commit: string): Promise<void>;
}

/**
 * Git operations a {@link SourceReader} needs, on a local bare copy in `dir`.
 * Implemented with the git CLI and with isomorphic-git.
 * @public
 */
export interface GitClient {
  readonly name: string;
  /** Fetches the branch's head (shallow) into `dir`, creating it if needed; returns the commit. */
  fetch(options: { dir: string; url: string; branch: string; auth?: GitAuth; signal?: AbortSignal }): Promise<string>;
  /**
   * Fetches one commit (shallow) by id, e.g. the last synced commit when
   * another replica synced it and this copy never saw it. Optional; throws
   * when the server does not give it.
   */
  fetchCommit?(options: { dir: string; url: string; commit: string; auth?: GitAuth; signal?: AbortSignal }): Promise<void>;
  /** Files changed between two commits below `path`; undefined when `from` is not available locally. */
  diff(options: { dir: string; from: string; to: string; path: string }): Promise<{ changed: string[]; deleted: string[] } | undefined>;
  /** Every file below `path` at the commit. */
  listFiles(options: { dir: string; commit: string; path: string }): Promise<string[]>;
  /** File contents at the commit; missing files are absent from the map. */
  readFiles(options: { dir: string; commit: string; paths: string[] }): Promise<Map<string, Buffer>>;
  /** Points a local ref at a commit so it is kept. */
  keep(options: { dir: string; ref: string; commit: string }): Promise<void>;
}
