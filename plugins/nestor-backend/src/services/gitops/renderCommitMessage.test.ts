import { renderCommitMessage } from './renderCommitMessage';

describe('renderCommitMessage', () => {
  it('fills the known placeholders, keeps unknown ones and appends trailers', () => {
    expect(
      renderCommitMessage(
        'nestor: {{action}} {{ ref }} (revision {{revision}}) by {{requester}} [{{resource}}] {{nope}}',
        { action: 'deploy', ref: 'team-a/dev/db', revision: 3, requester: 'user:default/jane', resource: 'postgres@1.4.0' },
        { 'Nestor-Ref': 'team-a/dev/db' },
      ),
    ).toBe('nestor: deploy team-a/dev/db (revision 3) by user:default/jane [postgres@1.4.0] {{nope}}\n\nNestor-Ref: team-a/dev/db\n');
  });
});
