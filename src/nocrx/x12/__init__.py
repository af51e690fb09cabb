"""x12 package."""
