"""Code shared by several rules of the built-in pack (kept small: one concept per module)."""
