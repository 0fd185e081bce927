export { KnownSecrets, knownSecrets, registerSecret, redactKnownSecrets, REDACTED } from './known-secrets';
export { redactedLine, redactedErrorMessage, redactingLog } from './redacted-output';
