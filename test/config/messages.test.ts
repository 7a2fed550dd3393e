import { message } from '../../src/config/messages';

describe('message', () => {
  test('formats Go printf verbs the way the chart does', () => {
    // GIVEN catalogue messages with %q, %d and %v  WHEN formatted  THEN the values appear as Go prints them
    expect(message('clientIdTooLong', 'a-b', 64)).toContain('clientId "a-b" (namespace-release) is 64 characters');
    expect(message('systemNeedsPlatformOidc', false)).toContain('platform.oidc.enabled is false');
    expect(message('systemNeedsPlatformOidc', undefined)).toContain('platform.oidc.enabled is <nil>');
    expect(message('unknownMode', 'say "hi"')).toContain('oidc.mode "say \\"hi\\"" is not supported');
  });
});
