"""The billing assistant: reads a message, routes it to an intent, answers from the user's own account."""
