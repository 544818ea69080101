import { testContext } from './__testUtils__/fixtures';
import { gitFileUrl } from './gitFileUrl';

const { integrations } = testContext();
const at = (url: string, line?: number) =>
  gitFileUrl(
    {
      id: 's',
      url,
      path: 'nestor/resources/pg db.yaml',
      commit: 'abc123',
      line,
    },
    integrations,
  );

describe('gitFileUrl', () => {
  it('builds the page of the file at its commit for each known host type', () => {
    expect(at('https://github.com/acme/buffet.git', 12)).toBe(
      'https://github.com/acme/buffet/blob/abc123/nestor/resources/pg%20db.yaml#L12',
    );
    expect(at('https://gitlab.com/acme/platform/buffet')).toBe(
      'https://gitlab.com/acme/platform/buffet/-/blob/abc123/nestor/resources/pg%20db.yaml',
    );
    expect(at('https://git.acme.example/platform/buffet.git', 3)).toBe(
      'https://git.acme.example/platform/buffet/src/commit/abc123/nestor/resources/pg%20db.yaml#L3',
    );
    expect(at('https://bitbucket.org/acme/buffet.git', 5)).toBe(
      'https://bitbucket.org/acme/buffet/src/abc123/nestor/resources/pg%20db.yaml#lines-5',
    );
  });

  it('leaves credentials of the clone URL out of the page URL', () => {
    expect(at('https://x-access-token:secret@github.com/acme/buffet.git')).toBe(
      'https://github.com/acme/buffet/blob/abc123/nestor/resources/pg%20db.yaml',
    );
  });

  it('has no page for local folders, unknown hosts and what is not a URL', () => {
    expect(at('file:../../examples')).toBeUndefined();
    expect(at('https://git.unknown.example/acme/buffet.git')).toBeUndefined();
    expect(at('not a url')).toBeUndefined();
  });
});
