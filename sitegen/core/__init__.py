"""What every stage shares: findings, message catalogs, sealed cache files, digests."""
