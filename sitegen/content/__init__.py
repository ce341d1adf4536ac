"""Read the content folder (and its git history), parse and validate it."""
