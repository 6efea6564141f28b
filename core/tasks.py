"""What every Celery task of the project treats as transient: worth retrying with backoff."""

import smtplib

# The mail server or the network, not our data: a later attempt may well succeed.
TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)
