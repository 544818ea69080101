import { VerdictCheck } from '@nestor/plugin-nestor-common';
import { AdmissionCheck, AdmissionContext, AdmissionRejection } from './types';

/**
 * Wraps a step that answers with a {@link VerdictCheck} (as the teams,
 * policy and dependency services do, for dry runs too) as an
 * {@link AdmissionCheck} refusing with `status`. A `release` the step hands
 * back (a quota reservation) is kept with the context and run on release.
 * @public
 */
export function admissionCheckFromVerdict(
  name: string,
  status: AdmissionRejection['status'],
  run: (context: AdmissionContext) => Promise<(VerdictCheck & { release?: () => Promise<void> }) | undefined>,
): AdmissionCheck {
  const releases = new WeakMap<AdmissionContext, () => Promise<void>>();
  return {
    name,
    async check(context) {
      const verdict = await run(context);
      if (!verdict) return undefined;
      if (verdict.release) releases.set(context, verdict.release);
      return verdict.allowed ? undefined : { status, reasons: verdict.reasons };
    },
    async release(context) {
      const release = releases.get(context);
      releases.delete(context);
      await release?.();
    },
  };
}
