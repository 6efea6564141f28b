SESSION_KEY = "current_account_id"


def resolve_current_account(request):
    """The account the user works on: the one chosen in the header, else their first one."""
    from accounts.selectors import accounts_for_user

    user = request.user
    if not user.is_authenticated:
        return None
    accounts = accounts_for_user(user=user)
    chosen = request.session.get(SESSION_KEY)
    account = accounts.filter(pk=chosen).first() if chosen else None
    return account or accounts.first()


class CurrentAccountMiddleware:
    """Sets `request.account`: the customer account the signed-in user is working on, or None."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.account = resolve_current_account(request)
        return self.get_response(request)
