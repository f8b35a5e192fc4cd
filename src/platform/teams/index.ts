export { createTeamsRepo, type TeamsRepo, type TeamRow } from './teams.repo.ts';
