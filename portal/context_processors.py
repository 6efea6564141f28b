from accounts.permissions import role_of
from accounts.selectors import accounts_for_user


def portal(request):
    user = getattr(request, "user", None)
    account = getattr(request, "account", None)
    if user is None or not user.is_authenticated:
        return {"current_account": None, "my_accounts": [], "current_role": None}
    return {
        "current_account": account,
        "my_accounts": list(accounts_for_user(user=user)),
        "current_role": role_of(user, account),
    }
