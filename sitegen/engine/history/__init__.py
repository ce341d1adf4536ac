"""What the content's git history says: baselines, slips, trends, report edits."""
