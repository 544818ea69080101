import { DeploymentEngine } from '@nestor/plugin-nestor-node';
import { EngineSummary, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { instrumentEngine } from '../../observability/instrumentEngine';
import { NestorMetrics } from '../../observability/NestorMetrics';

const HEALTH_TIMEOUT_MS = 3000;

/**
 * The engines registered through `nestorEnginesExtensionPoint`.
 * @public
 */
export class EngineRegistry {
  readonly #engines = new Map<string, DeploymentEngine>();

  /** `metrics`: each engine's calls are then traced and timed (see instrumentEngine). */
  static create(engines: DeploymentEngine[], options: { metrics?: NestorMetrics } = {}): EngineRegistry {
    const registry = new EngineRegistry();
    for (const engine of engines) {
      if (registry.#engines.has(engine.name)) {
        throw new Error(`Two Nestor engines are registered under the name "${engine.name}"`);
      }
      registry.#engines.set(engine.name, options.metrics ? instrumentEngine(engine, options.metrics) : engine);
    }
    return registry;
  }

  get(name: string): DeploymentEngine | undefined {
    return this.#engines.get(name);
  }

  /**
   * What is wrong with a buffet item as far as engines are concerned: its
   * engine is not installed, or the engine finds its block invalid. Catalog
   * sync reports these as file errors (the item keeps its last good version).
   */
  async validateDefinition(definition: ResourceDefinition): Promise<Array<{ field: string; message: string }>> {
    const engine = this.#engines.get(definition.spec.engine);
    if (!engine) {
      return [
        {
          field: 'spec.engine',
          message: `engine "${definition.spec.engine}" is not installed (installed: ${this.names().join(', ') || 'none'})`,
        },
      ];
    }
    return (await engine.validate(definition)).map(i => ({ field: i.field.startsWith('spec.') ? i.field : `spec.${i.field}`, message: i.message }));
  }

  names(): string[] {
    return [...this.#engines.keys()].sort();
  }

  /** Every engine with its health, each check bounded by a timeout. */
  async summaries(): Promise<EngineSummary[]> {
    return Promise.all(
      this.names().map(async name => {
        const engine = this.#engines.get(name)!;
        return { name, capabilities: engine.capabilities, health: await checkHealth(engine) };
      }),
    );
  }
}

async function checkHealth(engine: DeploymentEngine): Promise<EngineSummary['health']> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      engine.health(),
      new Promise<EngineSummary['health']>(resolve => {
        timer = setTimeout(() => resolve({ status: 'down', message: `no answer within ${HEALTH_TIMEOUT_MS} ms` }), HEALTH_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    return { status: 'down', message: String((error as Error).message ?? error) };
  } finally {
    clearTimeout(timer);
  }
}
