"""What invoices tells the apps above it (they connect in their AppConfig.ready(); invoices imports none of them).
Receivers run inside the writer's transaction: an exception rolls the change back."""

from django.dispatch import Signal

# Invoices issued by a bulk write (the import's batches), whose status-change rows were bulk-inserted, so no
# post_save announced them. kwargs: invoices, the issued Invoice objects.
invoices_issued_in_bulk = Signal()
