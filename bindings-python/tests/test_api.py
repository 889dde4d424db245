"""The public surface: everything exported is documented, the typed stubs
match the runtime module, and the package docstring's example runs."""

from __future__ import annotations

import ast
import doctest
import inspect
from pathlib import Path

import pytest

import brandrail
import brandrail._brandrail as native

STUBS = Path(brandrail.__file__).with_name("_brandrail.pyi")
CLASSES = [getattr(brandrail, n) for n in brandrail.__all__ if inspect.isclass(getattr(brandrail, n))]


def test_facade_exports_the_whole_native_module():
    assert sorted(brandrail.__all__) == sorted(native.__all__)
    for name in brandrail.__all__:
        assert getattr(brandrail, name) is getattr(native, name)
    assert brandrail.__version__.count(".") == 2
    assert (Path(brandrail.__file__).parent / "py.typed").is_file()


def test_package_docstring_example_runs():
    result = doctest.testmod(brandrail, verbose=False)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_public_item_is_documented(cls):
    assert cls.__module__ == "brandrail"
    assert (cls.__doc__ or "").strip(), cls
    for name, member in vars(cls).items():
        if name.startswith("_") or name == "code":
            continue
        assert (getattr(member, "__doc__", None) or "").strip(), f"{cls.__name__}.{name}"


def stub_classes() -> dict[str, set[str]]:
    tree = ast.parse(STUBS.read_text(encoding="utf-8"))
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            out[node.name] = members
    return out


def test_stubs_match_the_runtime():
    stubs = stub_classes()
    assert set(stubs) == {c.__name__ for c in CLASSES}
    for cls in CLASSES:
        declared = {m for m in stubs[cls.__name__] if not m.startswith("__")}
        if issubclass(cls, BaseException):
            continue  # attributes are set per instance
        runtime = {m for m in vars(cls) if not m.startswith("_")}
        assert declared == runtime, cls.__name__


def test_methods_have_signatures():
    sig = inspect.signature(brandrail.Engine.create_principal)
    assert list(sig.parameters) == ["self", "actor", "handle", "display_name", "department", "roles"]
    assert sig.parameters["handle"].kind is inspect.Parameter.KEYWORD_ONLY
    sig = inspect.signature(brandrail.Engine.audit_query)
    assert sig.parameters["limit"].default is None


def test_readme_examples_run(tmp_path, monkeypatch):
    import re

    readme = Path(__file__).resolve().parents[1] / "README.md"
    examples = re.findall(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    assert len(examples) >= 2
    monkeypatch.chdir(tmp_path)
    for code in examples:
        exec(compile(code, str(readme), "exec"), {})
