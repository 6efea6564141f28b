from accounts.permissions import role_of
from accounts.selectors import accounts_for_user

MENU_PERMS = ("pay", "redeem_rewards", "manage_team", "manage_contacts", "view_activity")


def portal(request):
    user = getattr(request, "user", None)
    account = getattr(request, "account", None)
    if user is None or not user.is_authenticated:
        return {"current_account": None, "my_accounts": [], "current_role": None, "may": {}}
    # Read by CurrentAccountMiddleware with the roles (one query); a request it did not see asks again.
    my_accounts = getattr(request, "member_accounts", None)
    return {
        "current_account": account,
        "my_accounts": list(accounts_for_user(user=user)) if my_accounts is None else my_accounts,
        "current_role": role_of(user, account),
        # What the role allows on the current account (accounts.permissions): menus show only that.
        "may": {perm: user.has_perm(f"accounts.{perm}", account) for perm in MENU_PERMS} if account else {},
    }
