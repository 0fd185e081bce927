import { knownSecrets } from '../secrets/index';
import { MAX_LINE_CHARS, runProcess } from './run-process';

describe('runProcess output and credentials', () => {
  afterEach(() => knownSecrets.clear());

  it('a child that prints a credential this process holds (an engine echoing a build secret) is quoted and passed on without it', async () => {
    knownSecrets.addUrlCredentials('https://__token__:pypi-sekrit-INDEX-123@pypi.example.com/simple');
    const lines: string[] = [];
    const result = await runProcess('sh', ['-c', 'echo "Looking in indexes: https://__token__:pypi-sekrit-INDEX-123@pypi.example.com/simple"; printf "last pypi-sekrit-INDEX-123"'], {
      onLine: (line) => lines.push(line),
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(['Looking in indexes: https://__token__:***@pypi.example.com/simple', 'last ***']);
    expect(result.tail.join('\n')).not.toContain('sekrit');
  });

  it('keeps at most MAX_LINE_CHARS of a 20 MB line, saying how much was left out, and still hides a credential in it (issue 12, broken 3)', async () => {
    knownSecrets.addUrlCredentials('https://__token__:pypi-sekrit-LONG-456@pypi.example.com/simple');
    const lines: string[] = [];
    const result = await runProcess('sh', ['-c', "printf 'token pypi-sekrit-LONG-456 '; head -c 20000000 /dev/zero | tr '\\0' x; echo; echo after"], {
      onLine: (line) => lines.push(line),
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0].length).toBeLessThan(MAX_LINE_CHARS + 100);
    expect(lines[0]).toMatch(/^token \*\*\* x+… \(\d+ more characters\)$/);
    expect(lines[1]).toBe('after');
    expect(result.tail.join('').length).toBeLessThan(MAX_LINE_CHARS + 200);
  });
});

describe('a credential across the cut of a long line (issue 12, broken 3)', () => {
  afterEach(() => knownSecrets.clear());

  /** A long run of one letter as <letter>*<count>, so that a failure prints a readable line. */
  const short = (line: string | undefined) => (line ?? '').replace(/([a-z])\1{99,}/g, (run, letter: string) => `${letter}*${run.length}`);

  /** python3 printing `parts` in turn, each flushed and a moment apart, so they arrive in chunks of their own. */
  const printInChunks = (parts: string[]) =>
    runProcess('python3', ['-c', 'import sys, time, json\nfor part in json.loads(sys.argv[1]):\n    sys.stdout.write(part); sys.stdout.flush(); time.sleep(0.05)', JSON.stringify(parts)], {
      tailLines: 5,
    });

  it('shows no piece of a token that starts before MAX_LINE_CHARS and ends after it, and counts what it left out', async () => {
    const token = 'pypi-sekrit-CUT-789';
    knownSecrets.addUrlCredentials(`https://__token__:${token}@pypi.example.com/simple`);
    const before = 'x'.repeat(MAX_LINE_CHARS - 10);
    const lines: string[] = [];
    const result = await runProcess('python3', ['-c', `print(${JSON.stringify(before)} + ${JSON.stringify(token)} + 'y' * 100); print('after')`], {
      onLine: (line) => lines.push(line),
    });
    expect(result.exitCode).toBe(0);
    expect(short(lines[0])).not.toContain('pypi-');
    expect(short(lines[0])).toBe(short(`${before}… (${token.length + 100} more characters)`));
    expect(lines[1]).toBe('after');
  });

  it('does so for a credential longer than the 1 KB a long line used to keep past the cut (a JWT, a cookie header)', async () => {
    const cookie = `session=${'c'.repeat(3000)}-sekrit-COOKIE`;
    knownSecrets.addCookieHeader(cookie);
    const before = 'x'.repeat(MAX_LINE_CHARS - 100);
    const result = await printInChunks([before, cookie.slice(0, 2000), cookie.slice(2000), ' tail\n']);
    expect(short(result.tail[0])).toBe(short(`${before}… (${cookie.length + ' tail'.length} more characters)`));
  });

  it('does so for a bearer token this process never held, and for a token that arrives in pieces', async () => {
    knownSecrets.add('sekrit-PIECES-0123456789');
    const header = `Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.${'e'.repeat(200)}`;
    const result = await printInChunks([
      'x'.repeat(MAX_LINE_CHARS - 50), header, '\n',
      'y'.repeat(MAX_LINE_CHARS - 5), 'sekrit-PIE', 'CES-0123456789', ' and more\r\n',
    ]);
    // cut in front of "Bearer ", which goes with its token
    expect(short(result.tail[0])).toBe(short(`${'x'.repeat(MAX_LINE_CHARS - 50)}Authorization: … (${header.length - 'Authorization: '.length} more characters)`));
    expect(short(result.tail[1])).toBe(short(`${'y'.repeat(MAX_LINE_CHARS - 5)}… (${'sekrit-PIECES-0123456789 and more'.length} more characters)`));
  });

  it('keeps a credential wholly before the cut redacted, and one wholly after it out', async () => {
    knownSecrets.add('sekrit-EARLY-0123');
    knownSecrets.add('sekrit-LATE-4567');
    const line = `a sekrit-EARLY-0123 ${'x'.repeat(MAX_LINE_CHARS)} sekrit-LATE-4567`;
    const result = await printInChunks([line, '\n']);
    expect(short(result.tail[0])).toBe(short(`a *** ${'x'.repeat(MAX_LINE_CHARS - 'a sekrit-EARLY-0123 '.length)}… (${line.length - MAX_LINE_CHARS} more characters)`));
  });
});

describe('runProcess tail', () => {
  it('holds no terminal colour codes (error messages quote it into files), while onLine gets the line as it came', async () => {
    const lines: string[] = [];
    const result = await runProcess('printf', ['\\033[1m\\033[31mERROR\\033[0m: bad\\n'], { onLine: (line) => lines.push(line) });
    expect(result.tail).toEqual(['ERROR: bad']);
    expect(lines).toEqual(['\u001b[1m\u001b[31mERROR\u001b[0m: bad']);
  });
});
