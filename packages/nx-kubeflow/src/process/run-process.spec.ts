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
