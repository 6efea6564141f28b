from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def index(request):
    return render(request, "payments/index.html")


@login_required
def pay(request):
    """Pay flow entry: ?invoice=<number> (repeatable) or ?overdue=1. Built by the payments issue."""
    return render(request, "payments/index.html")
