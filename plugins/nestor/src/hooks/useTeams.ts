import { useApi } from '@backstage/frontend-plugin-api';
import type { TeamSummary } from '@nestor/plugin-nestor-common';
import useAsync from 'react-use/esm/useAsync';
import { nestorApiRef } from '../api/NestorApi';

/** What the caller may do with one team's deployments in one environment. @public */
export interface EnvironmentPermissions {
  read: boolean;
  deploy: boolean;
  update: boolean;
  destroy: boolean;
}

const NONE: EnvironmentPermissions = {
  read: false,
  deploy: false,
  update: false,
  destroy: false,
};

/** What {@link useTeams} returns. @public */
export interface TeamsState {
  teams: TeamSummary[];
  loading: boolean;
  error?: Error;
  /** the caller's permissions in a team's environment (none while loading or unknown) */
  permissionsOf(team: string, environment: string): EnvironmentPermissions;
}

/**
 * Nestor's teams (`GET /teams`) with what the signed-in user may do in each
 * of their environments, which decides the buttons a view shows.
 * @public
 */
export function useTeams(): TeamsState {
  const api = useApi(nestorApiRef);
  const { value, loading, error } = useAsync(() => api.listTeams(), [api]);
  const teams = value?.items ?? [];
  return {
    teams,
    loading,
    error,
    permissionsOf(team, environment) {
      const summary = teams.find(t => t.id === team);
      return summary?.permissions.environments[environment] ?? NONE;
    },
  };
}
