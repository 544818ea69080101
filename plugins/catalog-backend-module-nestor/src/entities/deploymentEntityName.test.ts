import { makeValidator } from '@backstage/catalog-model';
import { deploymentEntityName } from './deploymentEntityName';

const validator = makeValidator();

describe('deploymentEntityName', () => {
  it('joins the parts of a ref with dots', () => {
    expect(deploymentEntityName('team-payments/dev/orders-db')).toBe(
      'team-payments.dev.orders-db',
    );
  });

  it('keeps a long ref a valid entity name, and two long refs with one prefix apart', () => {
    const label = (c: string) => c.repeat(40);
    const a = deploymentEntityName(
      `${label('a')}/${label('e')}/${label('n')}-one`,
    );
    const b = deploymentEntityName(
      `${label('a')}/${label('e')}/${label('n')}-two`,
    );
    expect(a).toHaveLength(63);
    expect(a).toMatch(/^a{40}\.e{13}-[0-9a-f]{8}$/);
    expect(validator.isValidEntityName(a)).toBe(true);
    expect(a).not.toBe(b);
  });

  it('never ends the kept part on a separator', () => {
    // the cut falls right after a dot: the dot goes, the hash follows the letters
    const name = deploymentEntityName(
      `${'t'.repeat(53)}/dev/${'x'.repeat(30)}`,
    );
    expect(name).toMatch(/^t{53}-[0-9a-f]{8}$/);
    expect(validator.isValidEntityName(name)).toBe(true);
  });

  it('refuses what is not a deployment ref', () => {
    expect(() => deploymentEntityName('team-a/dev')).toThrow(
      'expected "<team>/<environment>/<name>"',
    );
  });
});
