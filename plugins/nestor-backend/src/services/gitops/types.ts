/** One file to commit, its path relative to its folder. @public */
export interface GitOpsFile {
  path: string;
  content: string;
}

/**
 * A folder whose content becomes exactly `files`: files not listed are
 * removed, and an empty list removes the folder.
 * @public
 */
export interface GitOpsFolderChange {
  /** repository-relative, without leading or trailing `/` */
  path: string;
  files: GitOpsFile[];
}

/** One commit to make. @public */
export interface GitOpsCommitRequest {
  repo: string;
  branch: string;
  /**
   * Where a branch that does not exist yet starts from (a pull-request
   * branch starts from its target branch); without it, a missing branch
   * starts from an empty tree.
   */
  baseBranch?: string;
  message: string;
  folders: GitOpsFolderChange[];
}

/** What a commit request did. @public */
export interface GitOpsCommitResult {
  /** the new commit, or the head that already had this content */
  commit: string;
  /** false when the branch already had the content: nothing was committed */
  changed: boolean;
  /** push attempts made (more than one after non-fast-forward rejections) */
  attempts: number;
  /**
   * true when the request named a `baseBranch` that already has the
   * content: no branch was pushed, `commit` is the base branch's head
   */
  alreadyOnBase?: boolean;
}

/**
 * Commits folder contents to a branch of a Git repository. Safe to call
 * again with the same request (nothing is committed twice) and from several
 * replicas at once (a push that is not a fast-forward is rebuilt on the new
 * head and retried).
 * @public
 */
export interface GitOpsCommitter {
  commit(request: GitOpsCommitRequest): Promise<GitOpsCommitResult>;
  /**
   * The files of `folder` that `commit` (the head of a pull-request
   * `branch`) and `baseBranch` changed differently since the commit's
   * parent; undefined when that cannot be told (the branch moved on).
   */
  conflictingFiles(options: { repo: string; branch: string; baseBranch: string; folder: string; commit: string }): Promise<string[] | undefined>;
}
