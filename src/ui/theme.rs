//! Every style the UI uses, derived from one `ColorMode`. Under `NO_COLOR`
//! styles carry modifiers only (bold, reversed), never a color.

use ratatui::style::{Color, Modifier, Style};

use super::color::{ColorMode, Rgb, parse_hex, text_on};
use crate::model::{PriorityLevel, StatusCategory};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mode: ColorMode,
}

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

const ACCENT: Rgb = Rgb(0x38, 0xbd, 0xf8);
const DIM: Rgb = Rgb(0x8a, 0x93, 0xa3);
const ERROR: Rgb = Rgb(0xf8, 0x71, 0x71);
const WARN_BG: Rgb = Rgb(0xf5, 0x9e, 0x0b);
const SELECTED_BG: Rgb = Rgb(0x2f, 0x36, 0x44);

impl Theme {
    pub fn new(mode: ColorMode) -> Theme {
        Theme { mode }
    }

    fn fg(&self, rgb: Rgb) -> Style {
        match self.mode.color(rgb) {
            Some(c) => Style::new().fg(c),
            None => Style::new(),
        }
    }

    fn on(&self, bg: Rgb) -> Style {
        match (self.mode.color(bg), self.mode.color(text_on(bg))) {
            (Some(b), Some(f)) => Style::new().bg(b).fg(f),
            _ => Style::new(),
        }
    }

    /// A colored badge on `color` (or the category's default).
    pub fn badge(&self, color: Option<&str>, category: &StatusCategory) -> Style {
        let bg = color
            .and_then(parse_hex)
            .unwrap_or_else(|| default_status_rgb(category));
        self.on(bg)
    }

    pub fn tag(&self, color: Option<&str>) -> Style {
        let bg = color.and_then(parse_hex).unwrap_or(DIM);
        self.on(bg)
    }

    pub fn priority(&self, color: Option<&str>, level: &PriorityLevel) -> Style {
        let fg = color
            .and_then(parse_hex)
            .unwrap_or_else(|| default_priority_rgb(level));
        let style = self.fg(fg);
        if matches!(level, PriorityLevel::Urgent) {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    pub fn selected_row(&self) -> Style {
        match self.mode.color(SELECTED_BG) {
            Some(bg) => Style::new().bg(bg).add_modifier(Modifier::BOLD),
            // Without colors the cursor must still be unmistakable.
            None => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    pub fn title(&self) -> Style {
        self.fg(ACCENT).add_modifier(Modifier::BOLD)
    }

    pub fn accent(&self) -> Style {
        self.fg(ACCENT)
    }

    pub fn dim(&self) -> Style {
        match self.mode {
            ColorMode::NoColor => Style::new(),
            _ => self.fg(DIM),
        }
    }

    pub fn column_header(&self) -> Style {
        self.dim().add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(ERROR).add_modifier(Modifier::BOLD)
    }

    pub fn banner(&self) -> Style {
        match self.mode {
            ColorMode::NoColor => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            _ => self.on(WARN_BG).add_modifier(Modifier::BOLD),
        }
    }

    pub fn key(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }

    pub fn border(&self) -> Style {
        self.dim()
    }

    /// The ratatui color for an arbitrary workspace color, if any.
    pub fn color(&self, rgb: Rgb) -> Option<Color> {
        self.mode.color(rgb)
    }
}
