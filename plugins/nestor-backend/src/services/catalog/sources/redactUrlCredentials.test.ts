import { redactUrlCredentials } from './redactUrlCredentials';

describe('redactUrlCredentials', () => {
  it('hides the user-info of every URL in a message and leaves the rest', () => {
    expect(
      redactUrlCredentials("fatal: unable to access 'https://bot:s3cr3t@git.example.com/a.git/': and http://x@h/b, not me@example.com"),
    ).toBe("fatal: unable to access 'https://***@git.example.com/a.git/': and http://***@h/b, not me@example.com");
  });
});
