//! The named colors of a theme: every color the UI draws with is one of
//! these slots, so a theme (built in, or `[theme]` overrides in the config)
//! changes all of them at once and a test can check every pair that is
//! ever drawn together.

use super::color::Rgb;
pub use crate::config::theme::{HexColor, ThemeName, ThemeOverrides};

/// One theme's colors. `background` is the terminal background the theme
/// is made for: it is never painted (the terminal's own shows through), but
/// workspace colors are made readable against it. With `auto` it is the
/// color the terminal reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub background: Rgb,
    /// The cursor row: both set, whatever the terminal's colors are.
    pub selected_fg: Rgb,
    pub selected_bg: Rgb,
    /// Links, hints, the reminder mark, the filter being typed.
    pub accent: Rgb,
    /// Secondary text: ticket numbers, times, "loading…", unassigned.
    pub dim: Rgb,
    pub error: Rgb,
    /// Column headers.
    pub header: Rgb,
    /// Pane and dialog titles.
    pub title: Rgb,
    /// Key names in hints, the footer and help.
    pub key: Rgb,
    /// Marked rows (`●`).
    pub mark: Rgb,
    /// Rows new since the agent last looked (`•`).
    pub new_mark: Rgb,
    /// Borders of panes, dialogs and popups.
    pub border: Rgb,
    /// The warning banner (rate limit, read-only key, cached page).
    pub warning_fg: Rgb,
    pub warning_bg: Rgb,
}

/// Every slot with the dark theme's color: the defaults the config's
/// schema names (`config::SchemaFacts`).
pub fn slot_defaults() -> Vec<(&'static str, Rgb)> {
    SLOTS
        .iter()
        .filter_map(|s| Some((*s, DARK.slot(s)?)))
        .collect()
}

/// The built-in palette of a theme (`auto` before detection: dark).
pub fn built_in(name: ThemeName) -> Palette {
    match name {
        ThemeName::Auto | ThemeName::Dark => DARK,
        ThemeName::Light => LIGHT,
        ThemeName::HighContrast => HIGH_CONTRAST,
    }
}

const fn hex(v: u32) -> Rgb {
    Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

// The values are checked by `every_text_slot_reads_on_every_background`
// (tests/it/themes.rs), in truecolor and after the 256-color fallback.
pub const DARK: Palette = Palette {
    background: hex(0x1c1c1c),
    selected_fg: hex(0xf8fafc),
    selected_bg: hex(0x334155),
    accent: hex(0x5fd7ff),
    dim: hex(0xa8b0bd),
    error: hex(0xfca5a5),
    header: hex(0xa8b0bd),
    title: hex(0x5fd7ff),
    key: hex(0x7dd3fc),
    mark: hex(0xfbbf24),
    new_mark: hex(0x4ade80),
    border: hex(0x64748b),
    warning_fg: hex(0x000000),
    warning_bg: hex(0xf59e0b),
};

pub const LIGHT: Palette = Palette {
    background: hex(0xffffff),
    selected_fg: hex(0x0f172a),
    selected_bg: hex(0xdbeafe),
    accent: hex(0x0369a1),
    dim: hex(0x4b5563),
    error: hex(0xb91c1c),
    header: hex(0x374151),
    title: hex(0x0369a1),
    key: hex(0x075985),
    mark: hex(0x7c2d12),
    new_mark: hex(0x166534),
    border: hex(0x6b7280),
    warning_fg: hex(0x000000),
    warning_bg: hex(0xfbbf24),
};

pub const HIGH_CONTRAST: Palette = Palette {
    background: hex(0x000000),
    selected_fg: hex(0xffffff),
    selected_bg: hex(0x0000af),
    accent: hex(0x00ffff),
    dim: hex(0xd0d0d0),
    error: hex(0xff8787),
    header: hex(0xffffff),
    title: hex(0xffff00),
    key: hex(0xffff00),
    mark: hex(0xffff00),
    new_mark: hex(0x00ff00),
    border: hex(0xffffff),
    warning_fg: hex(0x000000),
    warning_bg: hex(0xffff00),
};

/// Slots drawn as text, each on both `background` and `selected_bg` (lists
/// and pickers draw them on the cursor row too): WCAG 2.1 asks 4.5:1.
pub const TEXT_SLOTS: &[&str] = &[
    "accent", "dim", "error", "header", "title", "key", "mark", "new_mark",
];

/// Every slot name, as written in `[theme]`.
pub const SLOTS: &[&str] = &[
    "background",
    "selected_fg",
    "selected_bg",
    "accent",
    "dim",
    "error",
    "header",
    "title",
    "key",
    "mark",
    "new_mark",
    "border",
    "warning_fg",
    "warning_bg",
];

impl Palette {
    /// A slot by its `[theme]` name.
    pub fn slot(&self, name: &str) -> Option<Rgb> {
        Some(match name {
            "background" => self.background,
            "selected_fg" => self.selected_fg,
            "selected_bg" => self.selected_bg,
            "accent" => self.accent,
            "dim" => self.dim,
            "error" => self.error,
            "header" => self.header,
            "title" => self.title,
            "key" => self.key,
            "mark" => self.mark,
            "new_mark" => self.new_mark,
            "border" => self.border,
            "warning_fg" => self.warning_fg,
            "warning_bg" => self.warning_bg,
            _ => return None,
        })
    }

    /// This palette with the overrides of `[theme]` applied.
    pub fn with(mut self, o: &ThemeOverrides) -> Palette {
        let set = |slot: &mut Rgb, v: &Option<HexColor>| {
            if let Some(c) = v {
                *slot = c.0;
            }
        };
        set(&mut self.background, &o.background);
        set(&mut self.selected_fg, &o.selected_fg);
        set(&mut self.selected_bg, &o.selected_bg);
        set(&mut self.accent, &o.accent);
        set(&mut self.dim, &o.dim);
        set(&mut self.error, &o.error);
        set(&mut self.header, &o.header);
        set(&mut self.title, &o.title);
        set(&mut self.key, &o.key);
        set(&mut self.mark, &o.mark);
        set(&mut self.new_mark, &o.new_mark);
        set(&mut self.border, &o.border);
        set(&mut self.warning_fg, &o.warning_fg);
        set(&mut self.warning_bg, &o.warning_bg);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_name_is_readable_and_overridable() {
        for name in SLOTS {
            assert!(DARK.slot(name).is_some(), "{name}");
        }
        let o: ThemeOverrides =
            toml::from_str("selected_bg = \"#dbeafe\"\nkey = \"#123\"").unwrap();
        let p = DARK.with(&o);
        assert_eq!(p.selected_bg, Rgb(0xdb, 0xea, 0xfe));
        assert_eq!(p.key, Rgb(0x11, 0x22, 0x33));
        assert_eq!(p.accent, DARK.accent);
        assert!(toml::from_str::<ThemeOverrides>("dim = \"grey\"").is_err());
    }
}
