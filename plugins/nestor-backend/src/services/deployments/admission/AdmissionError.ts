import { CustomErrorBase } from '@backstage/errors';
import { AdmissionReason, AdmissionRejection } from './types';

const NAMES: Record<AdmissionRejection['status'], string> = {
  400: 'InputError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
  422: 'UnprocessableEntityError',
};

/**
 * A refused deployment request. Backstage's error handler answers with its
 * `statusCode`; the body's error carries `reasons` (every one) and the
 * `check` that refused. The name follows `@backstage/errors` for each status.
 * @public
 */
export class AdmissionError extends CustomErrorBase {
  readonly statusCode: AdmissionRejection['status'];
  readonly reasons: AdmissionReason[];
  readonly check: string;

  constructor(check: string, rejection: AdmissionRejection) {
    const summary = rejection.reasons.map(r => r.message).join('; ');
    super(`Deployment refused by the ${check} check: ${summary || 'no reason given'}`);
    this.name = NAMES[rejection.status];
    this.statusCode = rejection.status;
    this.reasons = rejection.reasons;
    this.check = check;
  }
}
