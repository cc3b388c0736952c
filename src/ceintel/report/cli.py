"""``ceintel report [FOLDER] [--audience public|partnership] [--period LABEL] [--out DIR]``.

The command body lives here so the main CLI stays thin; it is registered with
``app.command("report")(report)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def report(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    audience: Annotated[str, typer.Option(help="Who it is for: public or partnership (sets the disclosure "
                                               "threshold and how much detail is shown).")] = "partnership",
    period: Annotated[str | None, typer.Option(help="A period label from the framework, e.g. '2025-26' or "
                                                    "'12 months to 2026-09' (default: the latest complete "
                                                    "rolling 12 months).")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder to write profile.html and profile.pdf "
                                                  "(default: the workspace's reports/).")] = None,
) -> None:
    """Write the child exploitation profile: one self-contained HTML file and a PDF of the same content."""
    from ceintel.report import build_profile
    from ceintel.workspace import open_workspace

    console = Console(highlight=False)
    ws = open_workspace(folder)
    with console.status("Writing the profile"):
        result = build_profile(ws, audience=audience, period=period, out=out)
    console.print(f"Child exploitation profile for {result.period} ({result.audience} audience), "
                  f"{len(result.sections)} sections:")
    console.print(f"  {result.html}")
    if result.pdf:
        console.print(f"  {result.pdf} ({result.pages} pages)")
    if result.language_notes:
        console.print(f"{result.language_notes} language note(s) on narratives for the editor (listed at the end "
                      "of the profile).")
