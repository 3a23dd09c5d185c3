"""The type stubs (_native.pyi) describe every class and function of the extension, and everything
public has a docstring."""

import ast
import inspect
import pathlib

import ponder
import ponder._native as native

STUBS = pathlib.Path(ponder.__file__).with_name("_native.pyi")


def stubbed():
    tree = ast.parse(STUBS.read_text())
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = {
                item.name for item in node.body if isinstance(item, ast.FunctionDef)
            }
        elif isinstance(node, ast.FunctionDef):
            names[node.name] = set()
    return names


def test_stubs_cover_the_extension():
    names = stubbed()
    assert (pathlib.Path(ponder.__file__).with_name("py.typed")).exists()
    for name, item in vars(native).items():
        if name.startswith("_") or not (inspect.isclass(item) or callable(item)):
            continue
        assert name in names, f"{name} has no stub"
        if inspect.isclass(item) and item is not native.PonderError:
            for member in vars(item):
                if not member.startswith("_"):
                    assert member in names[name], f"{name}.{member} has no stub"


def test_everything_public_has_a_docstring():
    for name, item in vars(native).items():
        if name.startswith("_") or not (inspect.isclass(item) or callable(item)):
            continue
        assert item.__doc__, name
        if inspect.isclass(item):
            for member, value in vars(item).items():
                if not member.startswith("_"):
                    assert getattr(value, "__doc__", None), f"{name}.{member}"
