"""Compute every number and rule of SPEC §5–6 and §9 over the loaded site."""
