"""The logic of the trainer component, kept apart from argument parsing."""
