"""The YAML files the code reads give the same objects through libyaml's safe loader as through
PyYAML's own (accueil/yaml_files.py uses the first when PyYAML has it)."""

from __future__ import annotations

import yaml

from accueil import config, yaml_files
from accueil.contract import CONTRACT_DIR


def test_both_safe_loaders_read_every_file_the_same():
    files = [
        *sorted(CONTRACT_DIR.glob("*.yaml")),
        config.REPO_ROOT / "warehouse" / "dbt_project.yml",
        *sorted((config.REPO_ROOT / "warehouse" / "models").rglob("*.yml")),
    ]
    assert len(files) > 60
    for path in files:
        assert yaml_files.load(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_a_tag_that_builds_an_object_is_refused_by_both():
    import pytest

    text = "!!python/object/apply:os.system ['true']"
    for loader in (yaml_files.SafeLoader, yaml.SafeLoader):
        with pytest.raises(yaml.constructor.ConstructorError):
            yaml.load(text, Loader=loader)
