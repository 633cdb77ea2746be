"""Policy documents: parsing, the IAM action database, trust classification and risk."""
