import { MAX_TIMER_DELAY_MS, setLongTimeout } from './long-timeout';

describe('setLongTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const DAY_MS = 24 * 60 * 60 * 1000;

  it('holds a delay past what setTimeout can (30 days fired after 1 ms before)', () => {
    const fired = jest.fn();
    setLongTimeout(fired, 30 * DAY_MS);
    jest.advanceTimersByTime(MAX_TIMER_DELAY_MS + 1);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(30 * DAY_MS - MAX_TIMER_DELAY_MS - 2);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('fires a short delay once, on time', () => {
    const fired = jest.fn();
    setLongTimeout(fired, 3000);
    jest.advanceTimersByTime(2999);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(10 * DAY_MS);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('clear stops it, also after it re-armed', () => {
    const fired = jest.fn();
    const timeout = setLongTimeout(fired, 60 * DAY_MS);
    jest.advanceTimersByTime(MAX_TIMER_DELAY_MS + 10);
    timeout.clear();
    jest.advanceTimersByTime(60 * DAY_MS);
    expect(fired).not.toHaveBeenCalled();
  });
});
