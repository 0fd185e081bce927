import type { Schedule } from '../pipeline-backend';
import type { KfpTrigger } from './kfp-api-types';

const FIELD_NAMES = ['seconds', 'minutes', 'hours', 'day of month', 'month', 'day of week'];
/** One cron field as KFP's scheduler (robfig/cron) reads it: *, ?, numbers, names, ranges, steps and lists. */
const FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;

/**
 * Problems with a schedule from settings, each naming the setting. KFP reads
 * cron with six fields, seconds first: "0 0 4 * * *" is 04:00 every day; a
 * five-field cron would silently mean something else, so it is refused.
 */
export function scheduleProblems(schedule: Schedule): string[] {
  if (schedule.cron !== undefined) {
    const fields = schedule.cron.trim().split(/\s+/).filter(Boolean);
    if (fields.length !== 6) {
      const advice = fields.length === 5 ? ` Five fields is the Unix form: add the seconds in front, e.g. "0 ${fields.join(' ')}".` : '';
      return [`schedule.cron "${schedule.cron}" has ${fields.length} fields; KFP reads six, seconds first (seconds minutes hours day-of-month month day-of-week), e.g. "0 0 4 * * *".${advice}`];
    }
    return fields.flatMap((field, index) => (FIELD.test(field) ? [] : [`schedule.cron "${schedule.cron}": the ${FIELD_NAMES[index]} field "${field}" is not cron syntax.`]));
  }
  const interval = schedule.intervalSecond;
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval <= 0) {
    return [`schedule.interval_second must be a whole number of seconds above 0 (it is ${JSON.stringify(interval)}).`];
  }
  return [];
}

/** The schedule as a v2beta1 trigger: int64 goes over the wire as a string. */
export function triggerFor(schedule: Schedule): KfpTrigger {
  return schedule.cron !== undefined
    ? { cron_schedule: { cron: schedule.cron.trim().split(/\s+/).join(' ') } }
    : { periodic_schedule: { interval_second: String(schedule.intervalSecond) } };
}

/** Whether a recurring run on the server already fires as `trigger` says. */
export function sameTrigger(a: KfpTrigger | undefined, b: KfpTrigger): boolean {
  return (a?.cron_schedule?.cron ?? '') === (b.cron_schedule?.cron ?? '') &&
    String(a?.periodic_schedule?.interval_second ?? '') === String(b.periodic_schedule?.interval_second ?? '');
}
