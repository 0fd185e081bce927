import { knownSecrets } from '../secrets/index';
import { runProcess } from './run-process';

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
});
