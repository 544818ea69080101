import { mockServices } from '@backstage/backend-test-utils';
import {
  createTestRenderContext,
  createTestResourceDefinition,
} from '../testUtils';
import { engineLogger } from './engineLogger';

describe('engineLogger', () => {
  const base = () =>
    createTestRenderContext({
      definition: createTestResourceDefinition({ name: 'cache' }),
      name: 'orders',
    });

  it("is the context's logger when there is one", () => {
    const logger = mockServices.logger.mock();
    const context = { ...base(), logger };
    expect(engineLogger(context, mockServices.logger.mock())).toBe(logger);
  });

  it("falls back to the module's logger with the deployment's ref", () => {
    const fallback = mockServices.logger.mock();
    const child = mockServices.logger.mock();
    fallback.child.mockReturnValue(child);
    const context = base();
    expect(engineLogger(context, fallback)).toBe(child);
    expect(fallback.child).toHaveBeenCalledWith({
      deploymentRef: context.deployment.ref,
    });
  });

  it('drops every line with neither', () => {
    const logger = engineLogger(base());
    expect(logger.child({ a: 'b' })).toBe(logger);
    expect(logger.warn('nothing')).toBeUndefined();
  });
});
