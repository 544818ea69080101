export interface Config {
  nestor?: {
    engines?: {
      /** The Crossplane engine. */
      crossplane?: {
        /**
         * Composition pipeline of buffet items that give no
         * `spec.crossplane.composition.functions`; without it such items are
         * invalid for this engine.
         */
        defaultPipeline?: Array<{
          /** step name, unique in the pipeline */
          step: string;
          functionRef: { name: string };
          /** the function's input: a Kubernetes object (apiVersion and kind required) */
          input?: object;
        }>;
      };
    };
  };
}
