"""What load_settings returns: dynaconf's settings, made only when they are needed.

A task's start-up mostly reads plain values (``settings.get("log_level")``,
``settings.EPOCHS``, ``settings["epochs"]``). Those are answered from
:func:`~component_runtime.settings_fast_read.fast_settings_view`, which reads the
TOML layers as dynaconf does without importing it (~35 ms). Everything else (a
table, a list, an ``@format`` string, ``as_dict()``, ``set()``, ``current_env``,
``validators``, iteration, any key the fast view is not sure of) builds the real
``Dynaconf`` object with the same arguments as before and hands the call to it,
and from then on every call goes to it, so a ``set()`` or ``reload()`` is seen
by the reads that follow. The object passes ``isinstance(settings, Dynaconf)``
(as dynaconf's own lazy object does, through ``__class__``).
"""

from __future__ import annotations

import operator

from .settings_fast_read import ASK_DYNACONF, DYNACONF_OWN_KEYS, fast_settings_view

# typing for annotations only: importing it costs every task ~2 ms (type checkers take
# any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

__all__ = ["DYNACONF_ATTRIBUTES", "LayeredSettings"]

#: Public attributes of a Dynaconf object besides its ``*_for_dynaconf`` options: an
#: attribute read with one of these names is dynaconf's attribute, never a settings key.
#: tests/test_settings_fast_read.py checks the list against the installed dynaconf.
DYNACONF_ATTRIBUTES = frozenset(
    [
        "as_bool",
        "as_dict",
        "as_float",
        "as_int",
        "as_json",
        "clean",
        "configure",
        "configured",
        "current_env",
        "current_namespace",
        "environ",
        "execute_loaders",
        "exists",
        "exists_in_environ",
        "filter_strategy",
        "find_file",
        "flag",
        "fresh",
        "from_env",
        "get",
        "get_environ",
        "get_fresh",
        "is_overridden",
        "items",
        "keys",
        "load_dotenv",
        "load_extra_yaml",
        "load_file",
        "load_includes",
        "loaded_by_loaders",
        "loaded_envs",
        "loaded_namespaces",
        "loaders",
        "logger",
        "namespace",
        "path_for",
        "populate_obj",
        "pre_load",
        "project_root",
        "reload",
        "renamed_vars",
        "set",
        "setdefault",
        "setenv",
        "settings_file",
        "settings_module",
        "setup",
        "store",
        "to_dict",
        "unset",
        "unset_all",
        "update",
        "using_env",
        "using_namespace",
        "validators",
        "values",
    ]
)

_UNSET: Any = object()


def _to_dynaconf(method: Callable[..., Any]) -> Callable[..., Any]:
    def proxy(self: LayeredSettings, *args: Any) -> Any:
        return method(self._dynaconf(), *args)

    return proxy


class LayeredSettings:
    """A component's layered settings: dynaconf's answers, dynaconf imported only when needed."""

    __slots__ = ("_env", "_factory", "_files", "_texts", "_view", "_wrapped")

    def __init__(
        self, factory: Callable[[], Any], files: list[str], env: str, texts: Mapping[str, str] | None = None
    ) -> None:
        """``factory()`` makes the Dynaconf object; ``files`` and ``env`` are what it is given.

        ``texts``: the content of layers in ``files`` that are not written to a file yet (fast_settings_view).
        """
        object.__setattr__(self, "_factory", factory)
        object.__setattr__(self, "_files", files)
        object.__setattr__(self, "_texts", texts)
        object.__setattr__(self, "_env", env)
        object.__setattr__(self, "_view", _UNSET)
        object.__setattr__(self, "_wrapped", None)

    def _dynaconf(self) -> Any:
        wrapped = object.__getattribute__(self, "_wrapped")
        if wrapped is None:
            wrapped = object.__getattribute__(self, "_factory")()
            object.__setattr__(self, "_wrapped", wrapped)
        return wrapped

    def _fast(self, key: Any) -> Any:
        """The value of top-level ``key`` from the fast view; ASK_DYNACONF when only dynaconf can say."""
        if object.__getattribute__(self, "_wrapped") is not None:
            return ASK_DYNACONF  # made already (and maybe changed by set()): it answers
        if not isinstance(key, str) or "." in key or "__" in key or key != key.strip():
            return ASK_DYNACONF
        upper = key.upper()
        if "DYNACONF" in upper or upper in DYNACONF_OWN_KEYS:
            return ASK_DYNACONF
        view = object.__getattribute__(self, "_view")
        if view is _UNSET:
            view = fast_settings_view(
                object.__getattribute__(self, "_files"),
                object.__getattribute__(self, "_env"),
                texts=object.__getattribute__(self, "_texts"),
            )
            object.__setattr__(self, "_view", view)
        if view is None:
            return ASK_DYNACONF
        return view.get(upper, _UNSET)

    def get(self, key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
        """dynaconf's ``get``; a plain top-level value is read without dynaconf."""
        if not args and not kwargs and not isinstance(default, (dict, list)):
            value = self._fast(key)
            if value is _UNSET:
                return default
            if value is not ASK_DYNACONF:
                return value
        return self._dynaconf().get(key, default, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and name not in DYNACONF_ATTRIBUTES:
            value = self._fast(name)
            if value is _UNSET:
                raise AttributeError(name)  # as dynaconf: no such key
            if value is not ASK_DYNACONF:
                return value
        return getattr(self._dynaconf(), name)

    def __getitem__(self, key: Any) -> Any:
        value = self._fast(key)
        if value is _UNSET:
            raise KeyError(f"{key} does not exist")  # as dynaconf
        if value is not ASK_DYNACONF:
            return value
        return self._dynaconf()[key]

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._dynaconf(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._dynaconf(), name)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance(settings, Dynaconf), as dynaconf's LazySettings does
        return type(self._dynaconf())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._dynaconf()(*args, **kwargs)

    def __repr__(self) -> str:
        return repr(self._dynaconf())

    def __reduce__(self) -> Any:
        return (operator.itemgetter(0), ((self._dynaconf(),),))

    __setitem__ = _to_dynaconf(operator.setitem)
    __delitem__ = _to_dynaconf(operator.delitem)
    __contains__ = _to_dynaconf(operator.contains)
    __iter__ = _to_dynaconf(iter)
    __len__ = _to_dynaconf(len)
    __bool__ = _to_dynaconf(bool)
    __str__ = _to_dynaconf(str)
    __dir__ = _to_dynaconf(dir)
    __eq__ = _to_dynaconf(operator.eq)
    __ne__ = _to_dynaconf(operator.ne)
    __hash__ = _to_dynaconf(hash)  # type: ignore[assignment]
    __copy__ = _to_dynaconf(lambda wrapped: __import__("copy").copy(wrapped))
    __deepcopy__ = _to_dynaconf(lambda wrapped, memo: __import__("copy").deepcopy(wrapped, memo))
