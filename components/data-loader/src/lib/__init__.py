"""The logic of the data-loader component, kept apart from argument parsing."""
