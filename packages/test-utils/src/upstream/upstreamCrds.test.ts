import { findUpstreamDir, UpstreamCrdValidator } from './upstreamCrds';

const upstream = findUpstreamDir();
const describeIfUpstream = upstream ? describe : describe.skip;
if (!upstream) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED: ../shared/upstream is absent, upstream CRD validation not tested');
}

describeIfUpstream('UpstreamCrdValidator', () => {
  const validator = UpstreamCrdValidator.load(upstream!, [
    'crossplane/apiextensions.crossplane.io_compositions.yaml',
  ]);

  it('accepts a pipeline Composition', () => {
    expect(
      validator.validate({
        apiVersion: 'apiextensions.crossplane.io/v1',
        kind: 'Composition',
        metadata: { name: 'x' },
        spec: {
          compositeTypeRef: { apiVersion: 'platform.example.org/v1alpha1', kind: 'XThing' },
          mode: 'Pipeline',
          pipeline: [{ step: 'render', functionRef: { name: 'function-patch-and-transform' } }],
        },
      } as any),
    ).toEqual([]);
  });

  it('reports missing required fields with their path', () => {
    const errors = validator.validate({
      apiVersion: 'apiextensions.crossplane.io/v1',
      kind: 'Composition',
      metadata: { name: 'x' },
      spec: { mode: 'Pipeline' },
    } as any);
    expect(errors).toContain("/spec must have required property 'compositeTypeRef'");
  });

  it('refuses an API version the CRD does not serve', () => {
    expect(
      validator.validate({ apiVersion: 'apiextensions.crossplane.io/v1beta1', kind: 'Composition' }),
    ).toEqual(['apiextensions.crossplane.io/v1beta1 Composition: version not served (served: v1)']);
  });
});
