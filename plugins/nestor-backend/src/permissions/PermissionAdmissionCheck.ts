import {
  nestorDeploymentCreatePermission,
  nestorDeploymentDeletePermission,
  nestorDeploymentUpdatePermission,
  VerdictCheck,
} from '@nestor/plugin-nestor-common';
import { Caller } from '../services/caller/CallerResolver';
import { AccessService } from './AccessService';
import { NestorDeploymentResource } from './deploymentResourceRef';

const PERMISSIONS = {
  deploy: nestorDeploymentCreatePermission,
  update: nestorDeploymentUpdatePermission,
  rollback: nestorDeploymentUpdatePermission,
  destroy: nestorDeploymentDeletePermission,
};

/**
 * The Backstage permission step of admission: may the caller deploy (or
 * update, roll back, destroy) for this team and environment? A refusal is a 403.
 * @public
 */
export class PermissionAdmissionCheck {
  readonly #access: AccessService;

  static create(options: { access: AccessService }) {
    return new PermissionAdmissionCheck(options.access);
  }

  private constructor(access: AccessService) {
    this.#access = access;
  }

  async check(options: { caller: Caller; action: keyof typeof PERMISSIONS; resource: NestorDeploymentResource }): Promise<VerdictCheck> {
    const permission = PERMISSIONS[options.action];
    const access = await this.#access.deployments(options.caller, permission);
    const { team, environment } = options.resource;
    if (access.matches(options.resource)) return { check: 'permission', allowed: true, reasons: [] };
    return {
      check: 'permission',
      allowed: false,
      reasons: [
        {
          code: 'NOT_ALLOWED',
          message: `${options.caller.principal} may not ${options.action} for team "${team}" in environment "${environment}" (${permission.name})`,
        },
      ],
    };
  }
}
