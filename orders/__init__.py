"""Orders, subscriptions, billing plans (the schedule engine) and usage."""
