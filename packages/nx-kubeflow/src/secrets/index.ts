export { KnownSecrets, knownSecrets, registerSecret, redactKnownSecrets, REDACTED } from './known-secrets';
export { registerEnvironmentSecrets } from './environment-secrets';
export { redactedLine, redactedErrorMessage, redactingLog } from './redacted-output';
