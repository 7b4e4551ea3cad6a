import { setCsrfToken } from './api';
import { conversationApi, contextPath, threadPath } from './conversation-api';
import { restoreFetchAfterEach, stubFetch } from './fetch-stub.test-support';

const page = { conversation: { id: 'c', type: 'direct', title: null, channels: [] }, events: [], page: { older: null, newer: null } };

restoreFetchAfterEach();

describe('conversation reads', () => {
  it('names the conversation URL-encoded, with the page size and the cursor of the way asked for', () => {
    expect(threadPath('whatsapp:1065:1650/x', null)).toBe('/v1/conversations/whatsapp%3A1065%3A1650%2Fx?limit=50');
    expect(threadPath('c', { before: 'b+/=' })).toBe('/v1/conversations/c?limit=50&before=b%2B%2F%3D');
    expect(threadPath('c', { after: 'a' }, 10)).toBe('/v1/conversations/c?limit=10&after=a');
    expect(contextPath('a'.repeat(40))).toBe(`/v1/records/${'a'.repeat(40)}/context?before=25&after=25`);
  });

  it('are same-origin GETs with the session cookie and no CSRF header', async () => {
    setCsrfToken('tok-1');
    const calls = stubFetch(200, page);
    await expect(conversationApi.thread('c', { after: 'x' })).resolves.toEqual(page);
    await conversationApi.context('b'.repeat(40));
    expect(calls.map((c) => c.url)).toEqual(['/v1/conversations/c?limit=50&after=x', `/v1/records/${'b'.repeat(40)}/context?before=25&after=25`]);
    for (const call of calls) {
      expect(call.init).toMatchObject({ method: 'GET', credentials: 'same-origin' });
      expect((call.init.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
    }
  });
});
