export { createRevisionsRepo, type RevisionName } from './revisions.repo.ts';
export { createRevisionWatcher, type RevisionWatcher } from './revision-watcher.ts';
