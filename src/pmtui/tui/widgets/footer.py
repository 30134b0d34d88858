"""FittingFooter: the key bindings that fit whole, never one cut in half."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

COMPACT_BELOW = 110
"""Narrower than this, the footer drops the padding around keys and labels (so more bindings fit)."""


class FittingFooter(Footer):
    """Textual's Footer, compact when narrow, showing only the bindings that fit whole.

    Textual's footer lets the last binding run off the edge ("^g Go▏"); this one
    hides every binding from the first one that does not fit, so what shows can
    always be read (the command palette, ctrl+p, still lists them all).

    It also rebuilds its keys only when the keys it would show changed: Textual's
    recomposes on every focus change (four times per phase switch, each one a new
    widget per key, their styles and a layout of the whole screen: most of a
    switch's 0.35-0.7 s), though a phase switch mostly shows the same keys.
    """

    _shown: tuple | None = None
    """What the keys on show were built from (see :meth:`_bindings_shown`)."""

    def on_resize(self) -> None:
        self.compact = self.size.width < COMPACT_BELOW
        self.call_after_refresh(self._fit)

    def compose(self) -> ComposeResult:
        self._shown = self._bindings_shown()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # Born in the footer's style, as Footer.compose binds them to it (not the palette key, always
                # compact): not restyled twice once mounted.
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget
        self.call_after_refresh(self._fit)

    async def recompose(self) -> None:
        """Rebuild the keys, unless they would be the same as the ones on show, or the footer has left its screen
        (a recompose scheduled just before the screen was switched away: nothing to show any more)."""
        if not self.is_attached:
            return
        if self._bindings_shown() != self._shown:
            await super().recompose()

    def _bindings_shown(self) -> tuple | None:
        """Everything Footer.compose builds its keys from (None until the screen's bindings are ready)."""
        if not self._bindings_ready:
            return None
        palette = self.app.COMMAND_PALETTE_BINDING
        display = self.app.get_key_display
        keys = tuple((key, binding, display(binding), enabled, tooltip) for key, (_, binding, enabled, tooltip)
                     in self.screen.active_bindings.items() if binding.show or key == palette)
        return keys, self.show_command_palette, self.combine_groups

    def _fit(self) -> None:
        """Show the bindings in order while they fit whole; hide the rest."""
        if not self.is_attached:
            return
        children = list(self.children)
        room = self.size.width - sum(self._width(c) for c in children if c.has_class("-command-palette"))
        fits = True
        for child in children:
            if child.has_class("-command-palette"):
                continue
            width = self._width(child)
            fits = fits and width <= room
            room -= width
            child.display = fits

    def _width(self, child: Widget) -> int:
        """How many cells ``child`` takes, margins included (measured whether it is shown or not)."""
        styles = child.styles
        size = Size(self.size.width, 1)
        return child.get_content_width(size, size) + styles.gutter.width + styles.margin.width
