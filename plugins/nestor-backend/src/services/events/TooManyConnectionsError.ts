import { CustomErrorBase } from '@backstage/errors';

/**
 * An event stream refused because a connection limit is reached. Backstage's
 * error middleware answers with the `statusCode`, 429.
 * @public
 */
export class TooManyConnectionsError extends CustomErrorBase {
  name = 'TooManyConnectionsError' as const;
  readonly statusCode = 429;
}
