"""PlainApp: the base of pmtui's apps, whose notifications show their message as text, never as markup."""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel


class PlainApp(App):
    """An App whose ``notify`` reads no markup unless asked to.

    Notifications carry what people typed (an action's description, a
    refused line, an error naming a value): read as markup, ``[@click=app.quit]``
    in an action item would be a button, and a stray ``[/]`` an exception.
    Widgets and screens call ``self.notify``, which ends here.
    """

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
