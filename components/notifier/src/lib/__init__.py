"""The logic of the notifier component, kept apart from argument parsing."""
