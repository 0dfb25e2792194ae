import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'firstreply-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn('npx', ['tsx', 'src/cli/report.ts', ...args], { cwd: ROOT, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function writeLog(name: string, lines: (Record<string, unknown> | string)[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

const at = (hhmmss: string) => `2024-06-03T${hhmmss}+08:00`;
const ev = (
  conversationId: string,
  customerId: string,
  from: string,
  time: string,
  extra: Record<string, unknown> = {},
) => ({
  conversationId,
  customerId,
  from,
  at: at(time),
  ...extra,
});

// c1: bot at 2 s, alice at 30 s; two customer messages then alice 20 s after the first; a follow-up.
// c2: bob at 50 s; a later question nobody answers. c3: only the bot answers (no hand-off).
// c4: spam. One duplicated eventId.
const goodLines = [
  ev('c1', 'u1', 'customer', '10:00:00', { eventId: 'e1', text: '在吗?' }),
  ev('c1', 'u1', 'bot', '10:00:02', { eventId: 'e2' }),
  ev('c1', 'u1', 'agent', '10:00:30', { eventId: 'e3', agentId: 'alice' }),
  ev('c1', 'u1', 'customer', '10:01:00', { eventId: 'e4' }),
  ev('c1', 'u1', 'customer', '10:01:10', { eventId: 'e5' }),
  ev('c1', 'u1', 'agent', '10:01:20', { eventId: 'e6', agentId: 'alice' }),
  ev('c1', 'u1', 'agent', '10:01:25', { eventId: 'e7', agentId: 'alice' }),
  ev('c1', 'u1', 'customer', '10:00:00', { eventId: 'e1', text: '在吗?' }),
  ev('c2', 'u2', 'customer', '11:00:00'),
  ev('c2', 'u2', 'agent', '11:00:50', { agentId: 'bob' }),
  ev('c2', 'u2', 'customer', '11:05:00'),
  ev('c3', 'u3', 'customer', '12:00:00'),
  ev('c3', 'u3', 'bot', '12:00:03'),
  ev('c4', 'u4', 'customer', '13:00:00', { spam: true }),
  ev('c4', 'u4', 'agent', '13:00:01', { agentId: 'bob' }),
];

describe('npm run report (child process)', () => {
  it('when given a small log with --json, then the figures match the hand computation', async () => {
    const file = writeLog('good.jsonl', goodLines);

    const { code, stdout } = await runCli(['--events', file, '--json']);

    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    // Any reply: 2, 3, 50 s → median 3, mean 55/3, p90 = 3 + 0.8 · 47.
    expect(report.overall.firstResponseSeconds).toEqual({
      count: 3,
      median: 3,
      mean: 18.333,
      p90: 40.6,
      unanswered: 0,
    });
    // A person: 30, 50 s (c3 was resolved by the bot) → p90 = 30 + 0.9 · 20.
    expect(report.overall.firstHumanResponseSeconds).toEqual({
      count: 2,
      median: 40,
      mean: 40,
      p90: 48,
      unanswered: 0,
    });
    // Replies 30, 20, 50 s; the follow-up and the unanswered question do not count.
    expect(report.overall.averageResponseSeconds).toBe(33.333);
    expect(report.overall.replies).toBe(3);
    expect(
      report.agents.map((a: { agentId: string; averageResponseSeconds: number }) => [
        a.agentId,
        a.averageResponseSeconds,
      ]),
    ).toEqual([
      ['alice', 25],
      ['bob', 50],
    ]);
    // Rounds: 30 ✓, 20 ✓, 50, unanswered, bot-only → 2/5 within 30 s, 3/5 within 3 min.
    expect(
      report.overall.roundReplyRates.map((r: { within: number; rounds: number }) => [r.within, r.rounds]),
    ).toEqual([
      [2, 5],
      [3, 5],
    ]);
    expect(report.overall.resolvedByBot).toBe(1);
    expect(report.input).toMatchObject({
      events: 15,
      duplicateEvents: 1,
      spamConversations: 1,
      conversations: 3,
    });
  });

  it('when a line is bad, then by default it is reported with its line number and skipped', async () => {
    // Line 4 loses its offset; line 5 is not JSON: 16 lines in all.
    const file = writeLog('one-bad.jsonl', [
      ...goodLines.slice(0, 3),
      { ...goodLines[3]!, at: '2024-06-03T10:01:00' },
      'oops',
      ...goodLines.slice(4),
    ]);

    const { code, stdout, stderr } = await runCli(['--events', file, '--json']);

    expect(code).toBe(0);
    expect(stderr).toContain(`${file}:4: at: must be an ISO-8601 date-time with seconds and an offset`);
    expect(stderr).toContain(`${file}:5: invalid JSON`);
    expect(stderr).toMatch(/skipped 2 bad line\(s\) of 16/);
    // Without the 10:01:00 message alice's second reply is timed from 10:01:10: 10 s.
    const report = JSON.parse(stdout);
    expect(report.agents.find((a: { agentId: string }) => a.agentId === 'alice').averageResponseSeconds).toBe(
      20,
    );
  });

  it('when --on-bad-line reject meets a bad line, then nothing is reported and the exit code is 2', async () => {
    const file = writeLog('reject.jsonl', [
      ...goodLines,
      { conversationId: 'c9', customerId: 'u9', from: 'agent', at: at('14:00:00') },
    ]);

    const { code, stdout, stderr } = await runCli(['--events', file, '--json', '--on-bad-line', 'reject']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}:16: agentId: is required for agent messages`);
    expect(stderr).toContain('rejected: 1 bad line(s) of 16');
  });

  it('when an argument is bad, then it is named and the exit code is 2', async () => {
    const file = writeLog('args.jsonl', goodLines);

    const badPolicy = await runCli(['--events', file, '--on-bad-line', 'maybe']);
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.stderr).toContain('--on-bad-line: must be skip or reject');

    const badZone = await runCli(['--events', file, '--tz', 'Asia/Shangai']);
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain('--tz: unknown time zone "Asia/Shangai"');
  });

  it('when --csv and a period are given, then one overall row and one row per agent cover only that period', async () => {
    const file = writeLog('csv.jsonl', goodLines);

    const { code, stdout } = await runCli([
      '--events',
      file,
      '--csv',
      '--from',
      '2024-06-03T10:30:00+08:00',
      '--to',
      '2024-06-04',
    ]);

    expect(code).toBe(0);
    const [header, ...rows] = stdout.trim().split('\n');
    const columns = header!.split(',');
    const cell = (row: string, name: string) => row.split(',')[columns.indexOf(name)];
    expect(rows).toHaveLength(2); // overall + bob (alice's chat started before 10:30)
    expect(cell(rows[0]!, 'scope')).toBe('overall');
    expect(cell(rows[0]!, 'chats')).toBe('2'); // c2 and c3
    expect(cell(rows[1]!, 'agentId')).toBe('bob');
    expect(cell(rows[1]!, 'averageResponseSeconds')).toBe('50');
  });
});
