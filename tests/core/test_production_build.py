"""What the Dockerfile builds: collectstatic with production settings, so the manifest
storage checks every reference inside CSS and JS (a vendored file pointing at a source
map or font that is not in the repository fails here, not in `docker compose build`)."""

from __future__ import annotations

import json

from tests.production import PROD_ENV, ROOT, manage


def test_production_collectstatic_builds_a_manifest_of_every_static_file(tmp_path):
    result = manage("collectstatic", "--noinput", env=PROD_ENV | {"STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    vendored = [p.relative_to(ROOT / "static").as_posix() for p in (ROOT / "static").rglob("*") if p.is_file()]
    assert sorted(name for name in vendored if name not in manifest) == []
    hashed = manifest["vendor/chartjs/chart.umd.min.js"]
    assert (tmp_path / hashed).exists()


def test_every_source_map_a_vendored_file_names_is_vendored_too():
    """Browsers fetch the map named in ``sourceMappingURL``; the manifest storage refuses
    to build without it. Checked here without a build, to name the file at fault."""
    missing = []
    for path in (ROOT / "static").rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for line in path.read_text(errors="replace").splitlines()[-3:]:
            if "sourceMappingURL=" in line:
                name = line.split("sourceMappingURL=", 1)[1].strip(" */")
                if not (path.parent / name).exists():
                    missing.append(f"{path.relative_to(ROOT)} -> {name}")
    assert missing == []
