"""The logic of the threshold-report component, kept apart from argument parsing."""
