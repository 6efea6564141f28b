import pytest


@pytest.fixture(autouse=True)
def _help_articles(request):
    """The help articles come from a data migration, which a transactional test's flush removes: put them
    back for the tests of this folder that use the database."""
    markers = [marker for marker in request.node.iter_markers() if marker.name == "django_db"]
    if not markers:
        return
    from support.help.services import help_articles_ensure

    transactional = "transactional_db" in request.fixturenames or any(
        marker.kwargs.get("transaction") for marker in markers
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    help_articles_ensure()
