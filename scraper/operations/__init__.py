"""Running crawls as an operation: scheduling, resuming, monitoring a site's health, live progress."""
