"""The logic of the cv-summary component, kept apart from argument parsing."""
