import { describe, expect, it } from 'vitest';
import { WriteWatch } from '../../src/store/write-watch';

describe('WriteWatch', () => {
  const watch = () => new WriteWatch({ customers: 'key', conversations: 'id' });
  const run = async (w: WriteWatch, sql: string, parameters: unknown[] = []) => {
    const during: [number, number][] = [];
    await w.around(sql, parameters, async () => {
      during.push([w.version, w.rowVersion('conversations', 'c1')]);
    });
    return during[0]!;
  };

  it('moves one row’s count for an update of that row by its key, before and after it runs', async () => {
    const w = watch();
    const during = await run(
      w,
      'update "conversations" set "status" = ?, "agent_id" = ? where "id" = ? and "status" = ?',
      ['assigned', 'a1', 'c1', 'waiting'],
    );
    expect(during).toEqual([0, 1]);
    expect(w.rowVersion('conversations', 'c1')).toBe(2);
    expect(w.rowVersion('conversations', 'c2')).toBe(0);
    expect(w.version).toBe(0);
    await run(w, 'update "customers" set "vip" = ? where "key" = ?', [1, 'api:x']);
    expect(w.rowVersion('customers', 'api:x')).toBe(2);
  });

  it.each([
    [
      'an update by another column',
      'update "conversations" set "overdue" = ? where "agent_id" = ?',
      [0, 'a1'],
    ],
    ['an OR', 'update "conversations" set "x" = ? where "id" = ? and "a" = ? or "b" = ?', [1, 'c1', 2, 3]],
    [
      'a list',
      'update "conversations" set "x" = ? where "id" = ? and "agent_id" in (?, ?)',
      [1, 'c1', 'a', 'b'],
    ],
    ['a literal', `update "conversations" set "note" = 'why?' where "id" = ?`, ['c1']],
    ['an insert', 'insert into "conversations" ("id") values (?)', ['c1']],
    ['a delete', 'delete from "customers" where "key" = ?', ['api:x']],
    ['the key of another table', 'update "customers" set "vip" = ? where "id" = ?', [1, 'c1']],
  ])('moves every row’s count for %s', async (_name, sql, parameters) => {
    const w = watch();
    const during = await run(w, sql, parameters);
    expect(during[0]).toBe(1);
    expect(w.version).toBe(2);
  });

  it('leaves the counts alone for reads and for other tables', async () => {
    const w = watch();
    await run(w, 'select * from "conversations" where "id" = ?', ['c1']);
    await run(w, 'update "agents" set "status" = ? where "id" = ?', ['away', 'a1']);
    await run(w, 'begin immediate');
    expect([w.version, w.rowVersion('conversations', 'c1')]).toEqual([0, 0]);
  });

  it('moves the count after a statement that failed too', async () => {
    const w = watch();
    await expect(
      w.around('update "conversations" set "x" = ? where "id" = ?', [1, 'c1'], async () => {
        throw new Error('constraint');
      }),
    ).rejects.toThrow('constraint');
    expect(w.rowVersion('conversations', 'c1')).toBe(2);
  });
});
