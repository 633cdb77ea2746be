"""Where CloudTrail log files come from: one module per kind behind one interface."""
