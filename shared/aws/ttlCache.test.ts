import { TtlCache } from './ttlCache.ts';

describe('TtlCache', () => {
  it('serves a value until its time to live has passed, then loads again', async () => {
    let now = 0;
    const cache = new TtlCache(60_000, () => now);
    const load = jest.fn(async () => now);
    expect(await cache.get('k', load)).toBe(0);
    now = 59_999;
    expect(await cache.get('k', load)).toBe(0);
    now = 60_000;
    expect(await cache.get('k', load)).toBe(60_000);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent readers and does not keep failures', async () => {
    const cache = new TtlCache();
    let calls = 0;
    const load = async () => {
      calls += 1;
      if (calls === 1) throw new Error('throttled');
      return 'ok';
    };
    const [a, b] = await Promise.allSettled([cache.get('k', load), cache.get('k', load)]);
    expect([a.status, b.status]).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    expect(await cache.get('k', load)).toBe('ok');
  });

  it('invalidates by key prefix', async () => {
    const cache = new TtlCache();
    await cache.get('111122223333/iam/role/a', async () => 1);
    await cache.get('444455556666/iam/role/b', async () => 2);
    cache.invalidate('111122223333/');
    expect(await cache.get('111122223333/iam/role/a', async () => 10)).toBe(10);
    expect(await cache.get('444455556666/iam/role/b', async () => 20)).toBe(2);
  });

  it('drops expired, then oldest entries beyond its size', async () => {
    let now = 0;
    const cache = new TtlCache(10, () => now, 2);
    await cache.get('a', async () => 'a');
    now = 5;
    await cache.get('b', async () => 'b');
    now = 12; // a expired, b not
    await cache.get('c', async () => 'c');
    expect(cache.size).toBe(2);
    await cache.get('d', async () => 'd');
    expect(cache.size).toBe(2);
    expect(await cache.get('b', async () => 'b2')).toBe('b2');
  });
});
