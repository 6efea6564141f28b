"""Models of the support app. The help center's and the assistant's live in their packages, imported here
so that Django registers them with the app."""

from support.assistant.models import Conversation, ConversationMessage  # noqa: F401
from support.help.models import HelpArticle  # noqa: F401
