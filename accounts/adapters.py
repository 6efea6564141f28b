from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open: what a new person may see is decided by memberships, not by sign-up."""

    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request)
