"""Import a heavy module on first use: a web process then starts without loading SDKs it may never call.

    if TYPE_CHECKING:
        import stripe
    else:
        stripe = lazy_module("stripe")

The module object is real (importlib's LazyLoader): its code runs the first time one of its attributes is
read, in whichever process reads it. Startup (`manage.py check`, a gunicorn worker's boot) then skips the
Stripe SDK and aiohttp, the PayPal SDK and the Factur-X libraries (pypdf, lxml schemas).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """`name`, imported now if it already is, else loaded when an attribute is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def lazy_submodule(name: str) -> ModuleType:
    """`lazy_module` for a module that others import as `from package import module`: it is also set on its
    package, else that statement would load it at once (the import system reads the module's __spec__)."""
    module = lazy_module(name)
    package, _, attribute = name.rpartition(".")
    if not hasattr(sys.modules[package], attribute):
        setattr(sys.modules[package], attribute, module)
    return module


@contextmanager
def imports_hidden(*names: str) -> Iterator[None]:
    """Within the block, `import name` raises ImportError for each name not yet imported, as if not installed.

    For a library that imports optional extras at start-up, only to offer features the portal does not use.
    """
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not importable" mark
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
