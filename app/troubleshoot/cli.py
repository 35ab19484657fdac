"""`flask troubleshoot check`: validate tree files without importing them."""
import sys
from pathlib import Path

import click
from flask import current_app

from app.kb.content_files import TREE_SUFFIXES, ContentError, parse_tree_file
from app.troubleshoot import bp


def tree_files(paths):
    """The tree files named, or found below the folders named."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.name.lower().endswith(TREE_SUFFIXES))
        else:
            found.append(path)
    return found


@bp.cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def check_command(paths):
    """Validate troubleshooter files (default: every *.tree.yml in the content folder); exit 1 on problems."""
    files = tree_files(paths or [current_app.config["CONTENT_DIR"]])
    failed = 0
    for path in files:
        try:
            spec = parse_tree_file(path, path.parent, "")
        except (ContentError, OSError) as exc:
            failed += 1
            click.echo(f"{path}: {exc}", err=True)
            continue
        click.echo(f"{path}: ok ({spec.title})")
    click.echo(f"checked: {len(files)}, with problems: {failed}")
    if failed:
        sys.exit(1)
