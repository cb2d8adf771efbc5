//! Every style the UI uses, derived from a `Palette` of named slots and the
//! `ColorMode`. Under `NO_COLOR` styles carry modifiers only (bold,
//! reversed), never a color, whatever the theme.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

use super::color::{ColorMode, Rgb, contrast_ratio, parse_hex, readable_on, text_on};
use super::palette::{DARK, Palette};
use crate::model::{PriorityLevel, StatusCategory};

/// How colors are emitted (truecolor, 256, none) and which colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mode: ColorMode,
    pub palette: Palette,
}

/// The edges of a badge whose fill is too close to the background: thin
/// lines at the outer side of its padding cells.
pub const BADGE_LEFT_EDGE: &str = "▏";
pub const BADGE_RIGHT_EDGE: &str = "▕";

/// A badge whose fill is closer than this to what is under it gets an edge.
pub const EDGE_BELOW: f64 = 1.5;

/// Fallbacks when the workspace's color is missing or not a color.
pub fn default_status_rgb(c: &StatusCategory) -> Rgb {
    match c {
        StatusCategory::Open => Rgb(0x3b, 0x82, 0xf6),
        StatusCategory::InProgress => Rgb(0x8b, 0x5c, 0xf6),
        StatusCategory::Waiting => Rgb(0xf5, 0x9e, 0x0b),
        StatusCategory::Resolved => Rgb(0x10, 0xb9, 0x81),
        StatusCategory::Closed => Rgb(0x6b, 0x72, 0x80),
        StatusCategory::Other(_) => Rgb(0x9c, 0xa3, 0xaf),
    }
}

pub fn default_priority_rgb(p: &PriorityLevel) -> Rgb {
    match p {
        PriorityLevel::Low => Rgb(0x6b, 0x72, 0x80),
        PriorityLevel::Normal => Rgb(0x3b, 0x82, 0xf6),
        PriorityLevel::High => Rgb(0xf9, 0x73, 0x16),
        PriorityLevel::Urgent => Rgb(0xef, 0x44, 0x44),
        PriorityLevel::Other(_) => Rgb(0x9c, 0xa3, 0xaf),
    }
}

impl Theme {
    /// The dark theme (what `auto` falls back to).
    pub fn new(mode: ColorMode) -> Theme {
        Theme::with_palette(mode, DARK)
    }

    pub fn with_palette(mode: ColorMode, palette: Palette) -> Theme {
        Theme { mode, palette }
    }

    fn fg(&self, rgb: Rgb) -> Style {
        match self.mode.color(rgb) {
            Some(c) => Style::new().fg(c),
            None => Style::new(),
        }
    }

    fn on(&self, bg: Rgb) -> Style {
        // Black or white by the fill the terminal will show.
        match (
            self.mode.color(bg),
            self.mode.color(text_on(self.mode.emitted(bg))),
        ) {
            (Some(b), Some(f)) => Style::new().bg(b).fg(f),
            _ => Style::new(),
        }
    }

    /// The background a row is drawn on: the cursor's (as the terminal
    /// shows it) or the terminal's own.
    pub fn row_background(&self, selected: bool) -> Rgb {
        if selected {
            self.mode.emitted(self.palette.selected_bg)
        } else {
            self.palette.background
        }
    }

    /// The edge drawn around a badge of `fill` on `under` when the two are
    /// too close to tell apart (within 1.5:1): the border color on the
    /// fill, for the badge's padding cells. `None`: the fill reads alone.
    pub fn edge(&self, fill: Rgb, under: Rgb) -> Option<Style> {
        let shown = |c| self.mode.emitted(c);
        let close = contrast_ratio(shown(fill), shown(under)) < EDGE_BELOW;
        match (close, self.mode.color(fill)) {
            (true, Some(bg)) => Some(self.fg(self.edge_color(fill)).bg(bg)),
            _ => None,
        }
    }

    fn edge_color(&self, fill: Rgb) -> Rgb {
        readable_on(self.palette.border, fill, 3.0, |c| self.mode.emitted(c))
    }

    /// `text` (padded with a space each side) as a badge of `fill`, with
    /// edges in place of the padding when the fill is too close to `under`.
    pub fn badge_spans(&self, text: &str, fill: Rgb, under: Rgb) -> Vec<Span<'static>> {
        let style = self.on(fill);
        match self.edge(fill, under) {
            Some(edge) => vec![
                Span::styled(BADGE_LEFT_EDGE, edge),
                Span::styled(text.to_string(), style),
                Span::styled(BADGE_RIGHT_EDGE, edge),
            ],
            None => vec![Span::styled(format!(" {text} "), style)],
        }
    }

    /// The fill of a status badge.
    pub fn status_fill(color: Option<&str>, category: &StatusCategory) -> Rgb {
        color
            .and_then(parse_hex)
            .unwrap_or_else(|| default_status_rgb(category))
    }

    /// The fill of a tag badge.
    pub fn tag_fill(&self, color: Option<&str>) -> Rgb {
        color.and_then(parse_hex).unwrap_or(self.palette.border)
    }

    /// A colored badge on `color` (or the category's default).
    pub fn badge(&self, color: Option<&str>, category: &StatusCategory) -> Style {
        self.on(Theme::status_fill(color, category))
    }

    pub fn tag(&self, color: Option<&str>) -> Style {
        self.on(self.tag_fill(color))
    }

    /// The priority as text on the theme's background.
    pub fn priority(&self, color: Option<&str>, level: &PriorityLevel) -> Style {
        self.priority_on(color, level, self.palette.background)
    }

    /// A workspace color used as text on `under`: shifted in lightness
    /// (hue kept) until it reads at 3:1 there.
    pub fn priority_on(&self, color: Option<&str>, level: &PriorityLevel, under: Rgb) -> Style {
        let fg = color
            .and_then(parse_hex)
            .unwrap_or_else(|| default_priority_rgb(level));
        let fg = readable_on(fg, under, 3.0, |c| self.mode.emitted(c));
        let style = self.fg(fg);
        if matches!(level, PriorityLevel::Urgent) {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    pub fn selected_row(&self) -> Style {
        let p = &self.palette;
        match (
            self.mode.color(p.selected_bg),
            self.mode.color(p.selected_fg),
        ) {
            (Some(bg), Some(fg)) => Style::new().bg(bg).fg(fg).add_modifier(Modifier::BOLD),
            // Without colors the cursor must still be unmistakable.
            _ => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    pub fn title(&self) -> Style {
        self.fg(self.palette.title).add_modifier(Modifier::BOLD)
    }

    pub fn accent(&self) -> Style {
        self.fg(self.palette.accent)
    }

    pub fn dim(&self) -> Style {
        self.fg(self.palette.dim)
    }

    pub fn column_header(&self) -> Style {
        self.fg(self.palette.header).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(self.palette.error).add_modifier(Modifier::BOLD)
    }

    /// A marked row's `●`.
    pub fn mark(&self) -> Style {
        self.fg(self.palette.mark)
    }

    /// A new row's `•`.
    pub fn new_mark(&self) -> Style {
        self.fg(self.palette.new_mark)
    }

    pub fn banner(&self) -> Style {
        match self.mode {
            ColorMode::NoColor => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            _ => match (
                self.mode.color(self.palette.warning_bg),
                self.mode.color(self.palette.warning_fg),
            ) {
                (Some(bg), Some(fg)) => Style::new().bg(bg).fg(fg).add_modifier(Modifier::BOLD),
                _ => Style::new(),
            },
        }
    }

    pub fn key(&self) -> Style {
        self.fg(self.palette.key).add_modifier(Modifier::BOLD)
    }

    pub fn border(&self) -> Style {
        self.fg(self.palette.border)
    }

    /// A workspace color drawn as a mark (a picker's `●`): shifted to
    /// 3:1 on the theme's background.
    pub fn swatch(&self, rgb: Rgb) -> Option<Color> {
        let shown = readable_on(rgb, self.palette.background, 3.0, |c| self.mode.emitted(c));
        self.mode.color(shown)
    }

    /// The ratatui color for an arbitrary workspace color, if any.
    pub fn color(&self, rgb: Rgb) -> Option<Color> {
        self.mode.color(rgb)
    }
}
