/** Staging could not make the build context; the message says what to fix. */
export class StagingError extends Error {}
