import {
  BackstageCredentials,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Request } from 'express';

/**
 * Who is calling, and which teams they act for.
 * @public
 */
export interface Caller {
  kind: 'user' | 'service';
  /** the user entity ref, or the service principal's subject */
  principal: string;
  credentials: BackstageCredentials;
  /**
   * Teams the caller acts for: a user's ownership groups, or the teams
   * `nestor.serviceAccess` maps a service subject to (`'*'` for all).
   */
  teams: string[] | '*';
}

/**
 * Resolves callers from requests: users through their ownership groups,
 * processors (service principals) through `nestor.serviceAccess`.
 * @public
 */
export class CallerResolver {
  readonly #httpAuth: HttpAuthService;
  readonly #userInfo: UserInfoService;
  readonly #serviceAccess: Map<string, string[] | '*'>;

  static create(options: {
    httpAuth: HttpAuthService;
    userInfo: UserInfoService;
    serviceAccess: Array<{ subject: string; teams: string[] }>;
  }): CallerResolver {
    return new CallerResolver(options);
  }

  private constructor(options: {
    httpAuth: HttpAuthService;
    userInfo: UserInfoService;
    serviceAccess: Array<{ subject: string; teams: string[] }>;
  }) {
    this.#httpAuth = options.httpAuth;
    this.#userInfo = options.userInfo;
    this.#serviceAccess = new Map(
      options.serviceAccess.map(s => [s.subject, s.teams.includes('*') ? '*' : s.teams]),
    );
  }

  /** Throws AuthenticationError when the request carries no valid credentials. */
  async resolve(req: Request, options: { allowUserCookie?: boolean } = {}): Promise<Caller> {
    const credentials = await this.#httpAuth.credentials(req, {
      allow: ['user', 'service'],
      allowLimitedAccess: options.allowUserCookie,
    });
    return this.fromCredentials(credentials);
  }

  async fromCredentials(credentials: BackstageCredentials): Promise<Caller> {
    const principal = credentials.principal as
      | { type: 'user'; userEntityRef: string }
      | { type: 'service'; subject: string };
    if (principal.type === 'user') {
      const info = await this.#userInfo.getUserInfo(credentials);
      const teams = info.ownershipEntityRefs
        .map(ref => parseEntityRef(ref))
        .filter(ref => ref.kind.toLocaleLowerCase('en-US') === 'group')
        .map(ref => ref.name);
      return { kind: 'user', principal: principal.userEntityRef, credentials, teams: [...new Set(teams)] };
    }
    return {
      kind: 'service',
      principal: principal.subject,
      credentials,
      // an unmapped service sees only public items and global events
      teams: this.#serviceAccess.get(principal.subject) ?? [],
    };
  }
}

/**
 * True when the caller acts for the team.
 * @public
 */
export function callerActsFor(caller: Caller, team: string): boolean {
  return caller.teams === '*' || caller.teams.includes(team);
}
