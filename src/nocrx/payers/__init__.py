"""payers package."""
