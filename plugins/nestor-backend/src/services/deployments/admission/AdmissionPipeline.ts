import { AdmissionError } from './AdmissionError';
import { AdmissionCheck, AdmissionContext } from './types';

/**
 * Runs admission checks in order and stops at the first refusal, giving back
 * what the earlier checks reserved. See {@link AdmissionCheck} for the order.
 * @public
 */
export class AdmissionPipeline {
  readonly #checks: AdmissionCheck[];

  static create(checks: AdmissionCheck[]): AdmissionPipeline {
    const names = new Set<string>();
    for (const c of checks) {
      if (names.has(c.name)) throw new Error(`admission check "${c.name}" is registered twice`);
      names.add(c.name);
    }
    return new AdmissionPipeline(checks);
  }

  private constructor(checks: AdmissionCheck[]) {
    this.#checks = checks;
  }

  names(): string[] {
    return this.#checks.map(c => c.name);
  }

  /**
   * Throws an {@link AdmissionError} at the first refusal (after releasing);
   * otherwise returns a function that releases every reservation made.
   */
  async admit(context: AdmissionContext): Promise<() => Promise<void>> {
    const passed: AdmissionCheck[] = [];
    const release = async () => {
      for (const check of [...passed].reverse()) await check.release?.(context);
    };
    for (const check of this.#checks) {
      let rejection;
      try {
        rejection = await check.check(context);
      } catch (error) {
        await release();
        throw error;
      }
      passed.push(check);
      if (rejection) {
        await release();
        throw new AdmissionError(check.name, rejection);
      }
    }
    return release;
  }
}
