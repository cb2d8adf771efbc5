#!/usr/bin/env python3
"""A terminal screen as SVG: reads `tmux capture-pane -p -e` output (text
with SGR escapes) on stdin and writes an SVG of the cells, colors and all.

Standard library only. Cells are laid out on a fixed grid (wide CJK and
emoji characters take two cells, as in the terminal), so the picture lines
up whatever monospace font the viewer has.

Usage: ansi2svg.py --cols N --rows N --fg '#rrggbb' --bg '#rrggbb' < screen > out.svg
"""

import argparse
import html
import re
import sys
import unicodedata

CELL_W = 9.0
CELL_H = 19.0
FONT = 15

# xterm's 16 colors.
BASE16 = [
    "#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
    "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
]


def color256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        r, g, b = levels[n // 36], levels[(n // 6) % 6], levels[n % 6]
        return "#%02x%02x%02x" % (r, g, b)
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


def width(ch):
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class Style:
    def __init__(self):
        self.fg = None
        self.bg = None
        self.bold = False
        self.dim = False
        self.italic = False
        self.underline = False
        self.reverse = False

    def copy(self):
        s = Style()
        s.__dict__.update(self.__dict__)
        return s

    def key(self):
        return tuple(sorted(self.__dict__.items()))


def apply_sgr(style, params):
    codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            style.__init__()
        elif c == 1:
            style.bold = True
        elif c == 2:
            style.dim = True
        elif c == 3:
            style.italic = True
        elif c == 4:
            style.underline = True
        elif c == 7:
            style.reverse = True
        elif c == 22:
            style.bold = style.dim = False
        elif c == 23:
            style.italic = False
        elif c == 24:
            style.underline = False
        elif c == 27:
            style.reverse = False
        elif 30 <= c <= 37:
            style.fg = BASE16[c - 30]
        elif 90 <= c <= 97:
            style.fg = BASE16[c - 90 + 8]
        elif 40 <= c <= 47:
            style.bg = BASE16[c - 40]
        elif 100 <= c <= 107:
            style.bg = BASE16[c - 100 + 8]
        elif c == 39:
            style.fg = None
        elif c == 49:
            style.bg = None
        elif c in (38, 48) and i + 1 < len(codes):
            if codes[i + 1] == 5 and i + 2 < len(codes):
                value = color256(codes[i + 2])
                i += 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                value = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                i += 4
            else:
                value = None
            if c == 38:
                style.fg = value
            else:
                style.bg = value
        i += 1


def parse(text, cols, rows):
    """A grid of rows × cols cells: (char, style) or None for the second
    half of a wide character."""
    grid = []
    style = Style()
    for line in text.split("\n")[:rows]:
        row = []
        for token in re.split(r"(\x1b\[[0-9;:]*[A-Za-z])", line):
            if token.startswith("\x1b["):
                if token.endswith("m"):
                    apply_sgr(style, token[2:-1].replace(":", ";"))
                continue
            for ch in token:
                w = width(ch)
                if w == 0:
                    if row and row[-1] is not None:
                        row[-1] = (row[-1][0] + ch, row[-1][1])
                    continue
                if len(row) + w > cols:
                    break
                row.append((ch, style.copy()))
                if w == 2:
                    row.append(None)
        # The rest of the line keeps the style of its end (tmux trims
        # trailing blanks; a colored line's fill is its last style's).
        fill = style.copy()
        while len(row) < cols:
            row.append((" ", fill))
        grid.append(row)
    while len(grid) < rows:
        grid.append([(" ", Style())] * cols)
    return grid


def colors(style, fg, bg):
    f = style.fg or fg
    b = style.bg or bg
    if style.reverse:
        f, b = b, f
    return f, b


def svg(grid, cols, rows, fg, bg, title):
    w, h = cols * CELL_W, rows * CELL_H
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
        % (w + 16, h + 16, w + 16, h + 16),
        "<title>%s</title>" % html.escape(title),
        '<rect width="100%%" height="100%%" rx="6" fill="%s"/>' % bg,
        '<g transform="translate(8 8)" font-family="\'DejaVu Sans Mono\', \'Menlo\', \'Consolas\', monospace" font-size="%d">' % FONT,
    ]
    for y, row in enumerate(grid):
        # Backgrounds: runs of one color.
        x = 0
        while x < cols:
            cell = row[x] if row[x] is not None else (" ", Style())
            _, b = colors(cell[1], fg, bg)
            end = x + 1
            while end < cols:
                nxt = row[end] if row[end] is not None else cell
                if colors(nxt[1], fg, bg)[1] != b:
                    break
                end += 1
            if b != bg:
                out.append(
                    '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                    % (x * CELL_W, y * CELL_H, (end - x) * CELL_W, CELL_H, b)
                )
            x = end
        # Text: runs of one style, each glyph at its cell.
        x = 0
        while x < cols:
            cell = row[x]
            if cell is None or cell[0] == " ":
                x += 1
                continue
            style = cell[1]
            chars, xs = [], []
            while x < cols and row[x] is not None and row[x][0] != " " and row[x][1].key() == style.key():
                chars.append(row[x][0])
                xs.append("%.1f" % (x * CELL_W))
                x += 2 if x + 1 < cols and row[x + 1] is None else 1
            f, _ = colors(style, fg, bg)
            attrs = ['fill="%s"' % f]
            if style.bold:
                attrs.append('font-weight="bold"')
            if style.italic:
                attrs.append('font-style="italic"')
            if style.underline:
                attrs.append('text-decoration="underline"')
            if style.dim:
                attrs.append('opacity="0.6"')
            out.append(
                '<text x="%s" y="%.1f" %s>%s</text>'
                % (" ".join(xs), y * CELL_H + CELL_H * 0.75, " ".join(attrs), html.escape("".join(chars)))
            )
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cols", type=int, required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--fg", default="#d4d4d4")
    p.add_argument("--bg", default="#1e1e1e")
    p.add_argument("--title", default="triage")
    a = p.parse_args()
    text = sys.stdin.read()
    sys.stdout.write(svg(parse(text, a.cols, a.rows), a.cols, a.rows, a.fg, a.bg, a.title))


if __name__ == "__main__":
    main()
