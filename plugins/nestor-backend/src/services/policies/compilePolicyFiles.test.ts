import { compilePolicyFiles } from './compilePolicyFiles';
import { loadCedarSchema } from './loadCedarSchema';

const schema = loadCedarSchema();

describe('compilePolicyFiles', () => {
  it('takes ids and messages from annotations, and falls back to file and position', () => {
    const text = [
      '// no large databases in prod',
      '@id("no-large-prod")',
      '@message("large databases need a review in prod")',
      'forbid(principal, action == Nestor::Action::"deploy", resource)',
      '  when { resource.environment == "prod" && resource.parameters has size && resource.parameters.size == "large" };',
      '',
      'permit(principal, action, resource) when { principal in resource.ownerTeam };',
    ].join('\n');
    const { policies, errors } = compilePolicyFiles([{ scope: 'global', path: 'policies/base.cedar', text }], schema);
    expect(errors).toEqual([]);
    expect(policies.map(p => [p.id, p.effect, p.line, p.message])).toEqual([
      ['no-large-prod', 'forbid', 2, 'large databases need a review in prod'],
      ['policies/base.cedar#2', 'permit', 7, undefined],
    ]);
  });

  it('reports a syntax error with its file and line', () => {
    const text = 'permit(principal, action, resource);\n\nforbid(principal action, resource);\n';
    const { policies, errors } = compilePolicyFiles([{ scope: 'team-a', path: 'policies/team-a/x.cedar', text }], schema);
    expect(policies).toEqual([]);
    expect(errors).toEqual([
      expect.objectContaining({ path: 'policies/team-a/x.cedar', line: 3, message: expect.stringContaining('unexpected token') }),
    ]);
  });

  it('reports a policy that does not fit the schema at the line of the faulty expression', () => {
    const text = [
      '@id("ok")',
      'forbid(principal, action, resource) when { resource.environment == "prod" };',
      '@id("typo")',
      'forbid(principal, action, resource)',
      '  when { resource.enviroment == "prod" };',
      '@id("unguarded-parameter")',
      'forbid(principal, action, resource) when { resource.parameters.size == "large" };',
    ].join('\n');
    const { policies, errors } = compilePolicyFiles([{ scope: 'global', path: 'p.cedar', text }], schema);
    expect(policies.map(p => p.id)).toEqual(['ok']);
    expect(errors).toEqual([
      { path: 'p.cedar', line: 5, message: expect.stringContaining('attribute `enviroment`') },
      { path: 'p.cedar', line: 7, message: expect.stringContaining('parameters.size') },
    ]);
  });

  it('refuses duplicate ids, naming where the first one is', () => {
    const files = [
      { scope: 'global', path: 'a.cedar', text: '@id("x")\nforbid(principal, action, resource);' },
      { scope: 'team-a', path: 'team-a/b.cedar', text: '\n@id("x")\nforbid(principal, action, resource);' },
    ];
    const { errors } = compilePolicyFiles(files, schema);
    expect(errors).toEqual([{ path: 'team-a/b.cedar', line: 2, message: 'duplicate policy id "x" (first in a.cedar line 1)' }]);
  });

  it('refuses templates and comparisons of the team entity with a string', () => {
    const { errors } = compilePolicyFiles(
      [
        { scope: 'global', path: 't.cedar', text: 'permit(principal == ?principal, action, resource);' },
        { scope: 'global', path: 's.cedar', text: 'forbid(principal, action, resource) when { resource.ownerTeam == "team-a" };' },
      ],
      schema,
    );
    expect(errors.map(e => e.path)).toEqual(['t.cedar', 's.cedar']);
    expect(errors[0].message).toContain('templates are not supported');
  });
});
