"""The workflows users schedule: the nightly run, window and weekly reports, the demo."""
