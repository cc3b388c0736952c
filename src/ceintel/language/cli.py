"""``ceintel check-language [FILE|-]``: print each finding and exit 1 when there is any.

The command body lives here so the main CLI stays thin; it is registered with
``app.command("check-language")(check_language)``.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from ceintel.errors import CeintelError
from ceintel.language.check import Finding, check_file, check_text


def _print(console: Console, finding: Finding) -> None:
    place = f"{escape(finding.where)}:" if finding.where else "line "
    console.print(f"[bold]{place}{finding.line}:{finding.column}[/] "
                  f"[red]\"{escape(finding.phrase)}\"[/] [dim]({finding.rule_id})[/]")
    console.print(f"  why: {escape(finding.why)}")
    console.print(f"  instead: {escape('; '.join(finding.suggestions))}")


def check_language(
    file: str = typer.Argument("-", help="Text or Markdown file to check; '-' reads standard input."),
) -> None:
    """Flag victim-blaming and inappropriate language (see docs/language.md); exit 1 if any is found."""
    console = Console(highlight=False)
    try:
        findings = check_text(sys.stdin.read(), where="<stdin>") if file == "-" else check_file(file)
    except CeintelError as exc:
        Console(stderr=True, highlight=False).print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(exc.exit_code) from None
    for finding in findings:
        _print(console, finding)
    if findings:
        console.print(f"{len(findings)} phrase(s) to reconsider.")
        raise typer.Exit(1)
    console.print("[green]OK[/] no blaming or inappropriate language found.")
