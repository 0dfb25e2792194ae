import { describe, expect, it } from 'vitest';
import { parseCsvRecords, parseLabelledCsv } from '../../src/eval/csv';

describe('parseCsvRecords', () => {
  it('splits plain fields and keeps quoted commas, doubled quotes and line breaks', () => {
    const { records, issues } = parseCsvRecords('a,b\n"x, y","say ""hi"""\n"two\nlines",z\r\nlast,one');
    expect(issues).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'z'] },
      { line: 5, fields: ['last', 'one'] },
    ]);
  });

  it('keeps empty fields and skips blank lines', () => {
    const { records } = parseCsvRecords('a,\n\n,b\n   \n"",""\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', ''],
      ['', 'b'],
      ['', ''],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 3, 5]);
  });

  it('reports malformed quoting with the line the record starts on', () => {
    const { records, issues } = parseCsvRecords(
      'ok,1\nbad "quote",2\n"closed"junk,3\nfine,4\n"never closed,5\nmore',
    );
    expect(records.map((r) => r.fields[0])).toEqual(['ok', 'fine']);
    expect(issues).toEqual([
      { line: 2, message: expect.stringContaining('quote inside an unquoted field') },
      { line: 3, message: expect.stringContaining('text after a closing quote') },
      { line: 5, message: expect.stringContaining('unterminated quoted field') },
    ]);
  });
});

describe('parseLabelledCsv', () => {
  it('reads text and intent by header name; an empty intent is out of scope (null)', () => {
    const source =
      '\uFEFFintent,text\r\nrefund,"where is my refund, please"\r\n,what is the weather\r\n  logistics ,  "快递到哪了"\r\n';
    const { lines, issues } = parseLabelledCsv(source);
    expect(issues).toEqual([]);
    expect(lines).toEqual([
      { line: 2, text: 'where is my refund, please', intent: 'refund' },
      { line: 3, text: 'what is the weather', intent: null },
      { line: 4, text: '快递到哪了', intent: 'logistics' },
    ]);
  });

  it('numbers lines by the file even after multi-line fields', () => {
    const { lines } = parseLabelledCsv('text,intent\n"one\ntwo",a\nthree,b\n');
    expect(lines.map((l) => [l.line, l.intent])).toEqual([
      [2, 'a'],
      [4, 'b'],
    ]);
  });

  it('reports bad rows with their line numbers and keeps the good ones', () => {
    const source = [
      'text,intent',
      'good one,a',
      'too,many,fields',
      'only one field',
      ',b',
      'unquoted "q",c',
      'good two,',
    ].join('\n');
    const { lines, issues } = parseLabelledCsv(source);
    expect(lines.map((l) => l.line)).toEqual([2, 7]);
    expect(issues.map((i) => i.line)).toEqual([3, 4, 5, 6]);
    expect(issues[0]!.message).toMatch(/expected 2 fields.*found 3/);
    expect(issues[1]!.message).toMatch(/found 1/);
    expect(issues[2]!.message).toBe('empty text');
  });

  it('requires a header naming text and intent', () => {
    expect(parseLabelledCsv('hello,refund\nbye,thanks\n').issues).toEqual([
      { line: 1, message: expect.stringContaining('"text" and "intent"') },
    ]);
    expect(parseLabelledCsv('').issues[0]).toMatchObject({
      line: 1,
      message: expect.stringContaining('empty file'),
    });
  });
});
